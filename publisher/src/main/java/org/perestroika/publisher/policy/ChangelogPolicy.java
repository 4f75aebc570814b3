package org.perestroika.publisher.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.debian.CommitLines;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.model.Suite;
import org.perestroika.core.version.DebianVersion;

/**
 * The spec's package metadata rule: the changelog entry of every MOS package names the commits it
 * was built from ("Source commit:" and "Build commit:"), which {@code perestroika build} adds. The
 * holdback suite is exempt: it carries upstream packages, built elsewhere.
 */
public final class ChangelogPolicy {
  private static final Pattern HEADER = Pattern.compile("(\\S+) \\((\\S+)\\)\\s.*");

  private ChangelogPolicy() {}

  /**
   * Checks the changelog entry of the uploaded version, as the .changes carries it.
   *
   * @param changes the value of the .changes' Changes field: entry headers and their bodies, blank
   *     lines written as "."
   * @param suite the suite the upload goes to
   * @return the violations, empty when the upload may be published
   */
  public static List<PolicyViolation> check(ChangesFile upload, String changes, Suite suite) {
    if (suite == Suite.HOLDBACK) {
      return List.of();
    }
    String name = upload.source() + " " + upload.version();
    List<String> body = entryBody(changes, upload.version());
    if (body == null) {
      return List.of(
          new PolicyViolation(
              name
                  + ": the .changes has no changelog entry for "
                  + upload.version()
                  + " in its Changes field, so nothing names the commits it was built from;"
                  + " build it with `perestroika build`, which adds them"));
    }
    Map<String, String> found = CommitLines.read(body);
    List<PolicyViolation> violations = new ArrayList<>();
    for (String label : List.of(CommitLines.SOURCE, CommitLines.BUILD)) {
      String commit = found.get(label);
      if (commit == null) {
        violations.add(
            new PolicyViolation(
                name
                    + ": its changelog entry has no '"
                    + label
                    + ":' line; MOS packages name the commits they were built from, and"
                    + " `perestroika build` adds the 'Source commit:' and 'Build commit:' lines"));
      } else if (!SourceCommits.isCommitId(commit)) {
        violations.add(
            new PolicyViolation(
                name
                    + ": its changelog entry's '"
                    + label
                    + ": "
                    + commit
                    + "' is not a full commit id; `perestroika build` writes the whole id"));
      }
    }
    return List.copyOf(violations);
  }

  /** The body lines of the entry for {@code version}, or null when there is none. */
  private static List<String> entryBody(String changes, DebianVersion version) {
    List<String> body = null;
    for (String line : changes.lines().toList()) {
      Matcher header = line.startsWith(" ") ? null : HEADER.matcher(line);
      if (header != null && header.matches()) {
        if (body != null) {
          return body;
        }
        if (sameVersion(header.group(2), version)) {
          body = new ArrayList<>();
        }
      } else if (body != null) {
        body.add(line.equals(".") ? "" : line);
      }
    }
    return body;
  }

  private static boolean sameVersion(String text, DebianVersion version) {
    try {
      return DebianVersion.parse(text).compareTo(version) == 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
