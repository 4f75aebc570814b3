package org.perestroika.core.debian;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.model.SourceCommits;

/**
 * The lines of a changelog entry that name the commits a package was built from, as the spec's
 * example has them:
 *
 * <pre>
 * keystone (2014.2.3-1~u14.04+mos1) mos6.1; urgency=low
 *   * Source commit: 17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b
 *   * Build commit: 8bf699819c9d30e2d34e14e76917f94daea4c67f
 * </pre>
 */
public final class CommitLines {
  public static final String SOURCE = "Source commit";
  public static final String BUILD = "Build commit";

  private static final Pattern LINE =
      Pattern.compile("\\s*(?:\\*\\s*)?(" + SOURCE + "|" + BUILD + "):\\s*(\\S*)\\s*");
  private static final String TRAILER = " -- ";

  private CommitLines() {}

  /**
   * The commit each line of an entry's body names, by label ({@link #SOURCE}, {@link #BUILD}); the
   * first line of each label counts. Values are as written, not checked.
   */
  public static Map<String, String> read(List<String> body) {
    Map<String, String> found = new LinkedHashMap<>();
    for (String line : body) {
      Matcher matcher = LINE.matcher(line);
      if (matcher.matches()) {
        found.putIfAbsent(matcher.group(1), matcher.group(2));
      }
    }
    return found;
  }

  /**
   * Adds both lines to the end of the top entry's body of debian/changelog text, leaving out one
   * the entry already has with the same commit. Everything else stays byte for byte.
   *
   * @param sourceName names the changelog in messages
   * @throws InvalidSourceException when the entry names a different commit than {@code commits}
   * @throws MalformedControlFileException when the top entry has no {@code " -- "} trailer line
   */
  public static String addTo(String changelog, SourceCommits commits, String sourceName) {
    DebianChangelog.parseTopEntry(changelog, sourceName);
    List<String> lines = new ArrayList<>(changelog.lines().toList());
    int header = 0;
    while (lines.get(header).isBlank()) {
      header++;
    }
    int trailer = header + 1;
    while (trailer < lines.size() && !lines.get(trailer).startsWith(TRAILER)) {
      trailer++;
    }
    if (trailer == lines.size()) {
      throw new MalformedControlFileException(
          sourceName,
          header + 1,
          "the top entry has no trailer line (' -- Name <email>  date') after it");
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    wanted.put(SOURCE, commits.source());
    wanted.put(BUILD, commits.build());
    Map<String, String> missing = new LinkedHashMap<>(wanted);
    for (int i = header + 1; i < trailer; i++) {
      Matcher matcher = LINE.matcher(lines.get(i));
      if (!matcher.matches()) {
        continue;
      }
      String label = matcher.group(1);
      String commit = wanted.get(label);
      if (!matcher.group(2).equalsIgnoreCase(commit)) {
        throw new InvalidSourceException(
            sourceName
                + ":"
                + (i + 1)
                + ": the top entry says '"
                + lines.get(i).strip()
                + "' but this build's "
                + label.toLowerCase(Locale.ROOT)
                + " is "
                + commit
                + ": remove the line (the build adds it) or build the commit it names");
      }
      missing.remove(label);
    }
    if (missing.isEmpty()) {
      return changelog;
    }
    int last = trailer - 1;
    while (last > header && lines.get(last).isBlank()) {
      last--;
    }
    List<String> added = new ArrayList<>();
    if (last == header) {
      added.add("");
    }
    missing.forEach((label, commit) -> added.add("  * " + label + ": " + commit));
    if (last == header) {
      added.add("");
    }
    lines.addAll(last + 1, added);
    return String.join("\n", lines) + (changelog.endsWith("\n") ? "\n" : "");
  }
}
