package org.perestroika.publisher.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.model.Suite;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.core.version.MosVersioning;

/**
 * The versioning rules of the mirror layout spec that a repository enforces on each upload:
 *
 * <ul>
 *   <li>a release past GA takes nothing more in its base suite;
 *   <li>a MOS version names no base distro vendor's trademark and carries "mos";
 *   <li>versions never go down: an upload is at least as high as every suite of its release holds,
 *       and as the base, updates and security suites of every earlier release of the progression;
 *   <li>a divergent package sorts below the base distro's package of the same upstream version, so
 *       that one takes over once ours is removed;
 *   <li>a published version never changes its content.
 * </ul>
 *
 * <p>The holdback suite is exempt from the trademark, keyword and below-upstream rules: it carries
 * base distro packages proven stable, under their own upstream versions.
 */
public final class VersionPolicy {
  /**
   * The suites of an earlier release that its users have, and that a later one must not undercut.
   */
  private static final List<Suite> RELEASED = List.of(Suite.BASE, Suite.UPDATES, Suite.SECURITY);

  private final ReleaseProgression progression;
  private final Set<Release> gaReleases;
  private final BaseDistro baseDistro;

  /**
   * @param progression the order of releases along which no version may go down
   * @param gaReleases releases past GA, whose base suite is frozen
   * @param baseDistro the base distro release the uploads are built for
   */
  public VersionPolicy(
      ReleaseProgression progression, Set<Release> gaReleases, BaseDistro baseDistro) {
    this.progression = Objects.requireNonNull(progression, "progression");
    this.gaReleases = Set.copyOf(gaReleases);
    this.baseDistro = Objects.requireNonNull(baseDistro, "baseDistro");
  }

  /**
   * The suites whose versions an upload to {@code target} must not go below: every suite of its
   * release, then the base, updates and security suites of each earlier release of the progression
   * among {@code releases}.
   *
   * @param releases the releases the repository holds
   * @throws IllegalArgumentException when the configured progression does not name the target's
   *     release
   */
  public List<PublishTarget> boundingSuites(PublishTarget target, Collection<Release> releases) {
    List<PublishTarget> suites = new ArrayList<>();
    for (Suite suite : Suite.values()) {
      suites.add(new PublishTarget(target.release(), suite));
    }
    for (Release earlier : progression.earlier(target.release(), releases)) {
      for (Suite suite : RELEASED) {
        suites.add(new PublishTarget(earlier, suite));
      }
    }
    return List.copyOf(suites);
  }

  /**
   * The base distro's highest version of {@code source}, which an upload to {@code target} must
   * stay below when it has the same upstream version; empty for the exempt holdback suite, which is
   * then not looked up at all.
   *
   * @throws org.perestroika.core.EnvironmentException when the base distro's index cannot be read
   */
  public Optional<DebianVersion> upstreamVersion(String source, PublishTarget target) {
    return isExempt(target) ? Optional.empty() : baseDistro.highestSourceVersion(source);
  }

  /**
   * Checks an upload against what the repository and the base distro hold.
   *
   * @param held the highest version of the upload's source in each of {@link #boundingSuites} that
   *     holds it
   * @param publishedSha256 SHA-256 of each file of the upload whose name the repository's pool
   *     (shared by all its suites) already holds, by file name
   * @param upstream what {@link #upstreamVersion} returned
   * @return every violation, empty when the upload may be published
   */
  public List<PolicyViolation> check(
      ChangesFile upload,
      PublishTarget target,
      Map<PublishTarget, DebianVersion> held,
      Map<String, String> publishedSha256,
      Optional<DebianVersion> upstream) {
    List<PolicyViolation> violations = new ArrayList<>();
    String name = upload.source() + " " + upload.version();
    Release release = target.release();
    if (target.suite() == Suite.BASE && gaReleases.contains(release)) {
      violations.add(
          new PolicyViolation(
              release
                  + " is past GA: its base suite is frozen; publish to "
                  + release
                  + "-updates or -security"));
    }
    if (!isExempt(target)) {
      violations.addAll(naming(upload, name));
    }
    held.forEach(
        (suite, version) -> {
          if (upload.version().isLowerThan(version)) {
            violations.add(new PolicyViolation(downgrade(name, target, suite, version)));
          }
        });
    upstream
        .filter(theirs -> sameUpstream(upload.version(), theirs))
        .filter(theirs -> !upload.version().isLowerThan(theirs))
        .ifPresent(theirs -> violations.add(notBelowUpstream(name, theirs)));
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

  private static boolean isExempt(PublishTarget target) {
    return target.suite() == Suite.HOLDBACK;
  }

  private static List<PolicyViolation> naming(ChangesFile upload, String name) {
    List<PolicyViolation> violations = new ArrayList<>();
    DebianVersion version = upload.version();
    List<String> marks = MosVersioning.trademarksIn(version.toString());
    if (!marks.isEmpty()) {
      violations.add(
          new PolicyViolation(
              name
                  + " contains a base distro vendor's trademark ("
                  + String.join(", ", marks)
                  + "), which MOS versions must not; derive one with `perestroika versions mos"
                  + " divergent --from "
                  + version
                  + " --distro-token <token>` (only -holdback takes base distro packages as"
                  + " they are)"));
    }
    if (!MosVersioning.carriesKeyword(version)) {
      String software = (version.epoch() == 0 ? "" : version.epoch() + ":") + version.upstream();
      violations.add(
          new PolicyViolation(
              name
                  + " does not carry the keyword '"
                  + MosVersioning.KEYWORD
                  + "' that every MOS version carries, as in 2.1.0-1~u14.04+mos1; derive one"
                  + " with `perestroika versions mos specific --upstream "
                  + software
                  + " --distro-token <token>` for a package only MOS has, or `perestroika"
                  + " versions mos divergent --from <base distro version> --distro-token"
                  + " <token>` (only -holdback takes base distro packages as they are)"));
    }
    return violations;
  }

  private static String downgrade(
      String name, PublishTarget target, PublishTarget suite, DebianVersion higher) {
    String where = name + " is lower than " + higher + " in " + suite + ": versions never go down";
    String why =
        suite.release().equals(target.release())
            ? " within " + target.release()
            : " along the release progression, and "
                + suite.release()
                + " comes before "
                + target.release();
    return where + why + "; publish " + higher + " or a higher version";
  }

  private PolicyViolation notBelowUpstream(String name, DebianVersion theirs) {
    String distro = baseDistro.name();
    return new PolicyViolation(
        name
            + " is not lower than "
            + theirs
            + ", "
            + distro
            + "'s package of the same upstream version: a divergent package must sort below it,"
            + " so that "
            + distro
            + "'s takes over once ours is removed; use the ~ scheme, as in `perestroika versions"
            + " mos divergent --from "
            + theirs
            + " --distro-token <token>`");
  }

  /** Whether two versions share epoch and upstream version, whatever their revisions. */
  private static boolean sameUpstream(DebianVersion a, DebianVersion b) {
    // A constant revision lets an upstream version containing '-' stand on its own.
    return new DebianVersion(a.epoch(), a.upstream(), "0")
            .compareTo(new DebianVersion(b.epoch(), b.upstream(), "0"))
        == 0;
  }
}
