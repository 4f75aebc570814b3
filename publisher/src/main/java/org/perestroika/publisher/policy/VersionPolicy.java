package org.perestroika.publisher.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.version.DebianVersion;

/**
 * The version rules of the mirror layout spec that a repository enforces on each upload: no
 * downgrades within a suite, and a published version never changes its content.
 */
public final class VersionPolicy {

  private VersionPolicy() {}

  /**
   * Checks an upload against what the repository already holds.
   *
   * @param codename the suite the upload goes to, for messages
   * @param held the highest version of the upload's source that suite holds now, if any
   * @param publishedSha256 SHA-256 of each file of the upload whose name the repository's pool
   *     already holds, by file name
   * @return the violations, empty when the upload may be published
   */
  public static List<PolicyViolation> check(
      ChangesFile upload,
      String codename,
      Optional<DebianVersion> held,
      Map<String, String> publishedSha256) {
    List<PolicyViolation> violations = new ArrayList<>();
    String name = upload.source() + " " + upload.version();
    held.filter(version -> upload.version().isLowerThan(version))
        .ifPresent(
            version ->
                violations.add(
                    new PolicyViolation(
                        name
                            + " is lower than "
                            + version
                            + " already in "
                            + codename
                            + ": a new upload must carry a higher version")));
    for (ChangesFile.Entry file : upload.files()) {
      String published = publishedSha256.get(file.name());
      if (published != null && !published.equals(file.sha256())) {
        violations.add(
            new PolicyViolation(
                name
                    + " is already published with different content: "
                    + file.name()
                    + " has sha256 "
                    + file.sha256()
                    + " but the repository's copy has "
                    + published
                    + ": a changed package must carry a higher version (or upload the"
                    + " published file unchanged)"));
      }
    }
    return List.copyOf(violations);
  }
}
