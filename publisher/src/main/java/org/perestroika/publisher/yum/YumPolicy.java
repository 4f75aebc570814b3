package org.perestroika.publisher.yum;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.model.Suite;
import org.perestroika.core.version.MosVersioning;
import org.perestroika.core.version.RpmVersion;
import org.perestroika.publisher.policy.BaseDistro;
import org.perestroika.publisher.policy.PolicyViolation;
import org.perestroika.publisher.policy.VersionPolicy;

/**
 * The versioning rules of the mirror layout spec for RPM repositories, as {@link VersionPolicy}
 * applies them to deb ones, with rpm's own ordering: a release past GA takes nothing more in its
 * base (os) repository; a MOS release tag carries "mos" and names no base distro vendor's
 * trademark; versions never go down across the suites of a release and the released suites of
 * earlier releases; a published package never changes its content. The holdback suite is exempt
 * from the naming rules: it carries base distro packages as they are.
 */
public final class YumPolicy {
  private static final Pattern MOS_RELEASE = Pattern.compile(".*mos[0-9]+.*");

  private final VersionPolicy suites;
  private final Set<Release> gaReleases;

  public YumPolicy(ReleaseProgression progression, Set<Release> gaReleases) {
    this.gaReleases = Set.copyOf(gaReleases);
    // Only its suite arithmetic is used: RPM uploads are checked against no base distro index.
    this.suites =
        new VersionPolicy(
            Objects.requireNonNull(progression, "progression"),
            this.gaReleases,
            new BaseDistro() {
              @Override
              public String name() {
                return "the base distro";
              }

              @Override
              public Optional<org.perestroika.core.version.DebianVersion> highestSourceVersion(
                  String source) {
                return Optional.empty();
              }
            });
  }

  /** The suites an upload to {@code target} must not go below, as for deb repositories. */
  public List<PublishTarget> boundingSuites(PublishTarget target, Collection<Release> releases) {
    return suites.boundingSuites(target, releases);
  }

  /**
   * Checks an upload against what the repository holds.
   *
   * @param source the upload's source package name
   * @param version the upload's version (its SRPM's)
   * @param held the highest version of that source in each bounding suite that holds it
   * @param differing the upload's files whose name the repository already holds with other content
   */
  public List<PolicyViolation> check(
      String source,
      RpmVersion version,
      PublishTarget target,
      Map<PublishTarget, RpmVersion> held,
      List<String> differing) {
    List<PolicyViolation> violations = new ArrayList<>();
    String name = source + " " + version;
    Release release = target.release();
    if (target.suite() == Suite.BASE && gaReleases.contains(release)) {
      violations.add(
          new PolicyViolation(
              release
                  + " is past GA: its os repository is frozen; publish to "
                  + release
                  + "-updates or -security"));
    }
    if (target.suite() != Suite.HOLDBACK) {
      List<String> marks = MosVersioning.trademarksIn(version.toString());
      if (!marks.isEmpty()) {
        violations.add(
            new PolicyViolation(
                name
                    + " contains a base distro vendor's trademark ("
                    + String.join(", ", marks)
                    + "), which MOS versions must not"));
      }
      if (!MOS_RELEASE.matcher(version.release()).matches()) {
        violations.add(
            new PolicyViolation(
                name
                    + " does not carry '"
                    + MosVersioning.KEYWORD
                    + "' in its release as every MOS package does: use the form"
                    + " Release: N%{?dist}~mosN, such as 1%{?dist}~mos1 (only -holdback takes"
                    + " base distro packages as they are)"));
      }
    }
    held.forEach(
        (suite, higher) -> {
          if (version.isLowerThan(higher)) {
            violations.add(
                new PolicyViolation(
                    name
                        + " is lower than "
                        + higher
                        + " in "
                        + suite
                        + " by rpm's ordering: versions never go down; publish "
                        + higher
                        + " or a higher version"));
          }
        });
    for (String file : differing) {
      violations.add(
          new PolicyViolation(
              name
                  + " is already published with different content: "
                  + file
                  + " differs from the repository's copy of that name: a changed package must"
                  + " carry a higher version (or upload the published package unchanged)"));
    }
    return List.copyOf(violations);
  }
}
