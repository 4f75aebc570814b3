package org.perestroika.core.version;

import java.util.List;
import java.util.Locale;
import org.perestroika.core.model.Release;

/**
 * Derives the Debian versions of MOS-specific, divergent and backported packages by the mirror
 * layout spec's scheme, {@code <upstream>-<revision>~<distro token>+mos<subrevision>}.
 *
 * <p>Every result is free of base distro vendors' trademarks and, for divergent packages, sorts
 * below the upstream package it derives from, so that package takes over once the MOS one is
 * removed. A distro token names the base distro release briefly, such as {@code u14.04} for trusty
 * or {@code deb12} for bookworm.
 */
public final class MosVersioning {
  /**
   * Base distro vendors' registered trademarks, matched case-insensitively anywhere in a version:
   * the one list both the derivations here and the publisher's version policy use.
   */
  public static final List<String> TRADEMARKS = List.of("ubuntu", "debian");

  /** The keyword every MOS package version carries, as in {@code +mos1}. */
  public static final String KEYWORD = "mos";

  private MosVersioning() {}

  /**
   * The version of a package that exists only in MOS: the revision is always 1, as in {@code
   * fuel-nailgun_6.1-1~u14.04+mos1}.
   *
   * @param upstream the software version, such as {@code 6.1}, optionally with an epoch
   * @throws IllegalArgumentException when the upstream version is malformed or has a revision, the
   *     token is malformed or the subrevision is below 1
   */
  public static DebianVersion mosSpecific(String upstream, String distroToken, int subrevision) {
    DebianVersion software = DebianVersion.parse(upstream);
    if (software.hasRevision()) {
      throw new IllegalArgumentException(
          "upstream version '"
              + upstream
              + "' has a Debian revision; give the software version only, such as 6.1");
    }
    return specific(software, distroToken, subrevision);
  }

  /**
   * The version of a MOS package diverging from a base distro package: the upstream Debian revision
   * is kept up to the first vendor trademark, as in {@code 6.14.0-2.3ubuntu4 ->
   * 6.14.0-2.3~u14.04+mos1}, and {@code 0ubuntuX} becomes {@code 0u} so that the result never
   * starts its revision with {@code 0~}. The result sorts below {@code upstreamPackage}.
   *
   * @throws IllegalArgumentException when no trademark-free version below the upstream package
   *     exists (a native package without revision, a revision made of a trademark after {@code
   *     0~}), the upstream package is already a MOS version, the token is malformed or the
   *     subrevision is below 1
   */
  public static DebianVersion divergent(
      DebianVersion upstreamPackage, String distroToken, int subrevision) {
    String revision = upstreamPackage.revision();
    if (revision.isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + upstreamPackage
              + "' has no Debian revision (a native package): a divergent version would need a"
              + " revision starting with 0~ to sort below it, which sorts below the upstream"
              + " version itself");
    }
    if (isMosRevision(revision)) {
      throw new IllegalArgumentException(
          "'"
              + upstreamPackage
              + "' is already a MOS version; derive its next revision from the base distro package");
    }
    String base = trademarkFreeBase(upstreamPackage, revision);
    DebianVersion derived =
        checked(
            new DebianVersion(
                upstreamPackage.epoch(),
                upstreamPackage.upstream(),
                new MosRevision(base, distroToken, subrevision).toString()));
    if (!derived.isLowerThan(upstreamPackage)) {
      throw new IllegalArgumentException(
          "'" + derived + "' would not sort below the upstream package '" + upstreamPackage + "'");
    }
    return derived;
  }

  /**
   * The version after {@code previousMos}: its subrevision plus one when the upstream version and
   * the trademark-free base revision are unchanged ({@code 6.14.0-2.3~u14.04+mos1 -> +mos2}),
   * otherwise subrevision 1 ({@code 6.14.0-3ubuntu1 -> 6.14.0-3~u14.04+mos1}). The distro token is
   * kept from {@code previousMos}.
   *
   * @param upstreamPackage the base distro package now diverged from, or, for a MOS-specific
   *     package, the software version without revision
   * @throws IllegalArgumentException when {@code previousMos} is not a primary MOS version, or the
   *     result would not sort above it
   */
  public static DebianVersion next(DebianVersion previousMos, DebianVersion upstreamPackage) {
    MosRevision previous = mosRevisionOf(previousMos, "previous version");
    DebianVersion fresh =
        upstreamPackage.hasRevision()
            ? divergent(upstreamPackage, previous.distroToken(), 1)
            : specific(upstreamPackage, previous.distroToken(), 1);
    MosRevision freshRevision = MosRevision.parse(fresh.revision());
    boolean sameBase =
        fresh.epoch() == previousMos.epoch()
            && fresh.upstream().equals(previousMos.upstream())
            && freshRevision.base().equals(previous.base());
    DebianVersion next =
        sameBase
            ? new DebianVersion(
                previousMos.epoch(),
                previousMos.upstream(),
                new MosRevision(previous.base(), previous.distroToken(), previous.subrevision() + 1)
                    .toString())
            : fresh;
    if (!next.isHigherThan(previousMos)) {
      throw new IllegalArgumentException(
          "'"
              + next
              + "' would not sort above the previous version '"
              + previousMos
              + "'; versions must never go down");
    }
    return next;
  }

  /**
   * The version of an update carrying a subset of the modifications to an older release: the whole
   * primary version, then {@code +<release>+<n>}, as in {@code 2.1.0-1~u14.04+mos1+mos6.1+1}. It
   * sorts above {@code primary}.
   *
   * @param primary the version in the target release's primary repository
   * @param targetRelease the release whose updates receive the package, such as {@code mos6.1}
   * @throws IllegalArgumentException when {@code primary} is not a primary MOS version, the release
   *     is malformed or {@code n} is below 1
   */
  public static DebianVersion backportSubset(DebianVersion primary, String targetRelease, int n) {
    return backport(primary, targetRelease, n, '+');
  }

  /**
   * The version of a whole package backported from the current release to an older release's
   * updates: the whole current version, then {@code ~<release>+<n>}, as in {@code
   * 2.1.0-1~u14.04+mos2~mos6.1+1}. It sorts below {@code current}.
   *
   * @param current the version in the current release
   * @param targetRelease the release whose updates receive the package, such as {@code mos6.1}
   * @throws IllegalArgumentException when {@code current} is not a primary MOS version, the release
   *     is malformed or {@code n} is below 1
   */
  public static DebianVersion backportWhole(DebianVersion current, String targetRelease, int n) {
    return backport(current, targetRelease, n, '~');
  }

  static boolean containsTrademark(String text) {
    return !trademarksIn(text).isEmpty();
  }

  /** The {@link #TRADEMARKS} that {@code text} contains, in list order. */
  public static List<String> trademarksIn(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    return TRADEMARKS.stream().filter(lower::contains).toList();
  }

  /** Whether a version carries the {@link #KEYWORD}, as the spec asks of every MOS version. */
  public static boolean carriesKeyword(DebianVersion version) {
    return version.toString().toLowerCase(Locale.ROOT).contains(KEYWORD);
  }

  private static DebianVersion backport(
      DebianVersion from, String targetRelease, int n, char separator) {
    mosRevisionOf(from, "backported version");
    Release release = new Release(targetRelease);
    if (n < 1) {
      throw new IllegalArgumentException(
          "update subrevision must be 1 or more (numbering starts from 1), got " + n);
    }
    return checked(
        new DebianVersion(
            from.epoch(), from.upstream(), from.revision() + separator + release + "+" + n));
  }

  private static DebianVersion specific(DebianVersion software, String token, int subrevision) {
    return checked(
        new DebianVersion(
            software.epoch(),
            software.upstream(),
            new MosRevision("1", token, subrevision).toString()));
  }

  /** The upstream revision up to its first trademark, without trailing separators. */
  private static String trademarkFreeBase(DebianVersion upstreamPackage, String revision) {
    String lower = revision.toLowerCase(Locale.ROOT);
    int mark = -1;
    for (String trademark : TRADEMARKS) {
      int at = lower.indexOf(trademark);
      if (at >= 0 && (mark < 0 || at < mark)) {
        mark = at;
      }
    }
    if (mark < 0) {
      return revision;
    }
    String base = revision.substring(0, mark);
    while (!base.isEmpty() && ".+~".indexOf(base.charAt(base.length() - 1)) >= 0) {
      base = base.substring(0, base.length() - 1);
    }
    // 0ubuntuX -> 0u: a bare 0 would start the revision with 0~ and sort below the upstream
    // version itself; the mark's first letter keeps it above that and below 0ubuntuX.
    if (base.isEmpty() || base.equals("0")) {
      base = base + revision.charAt(mark);
    }
    if (base.startsWith("0~")) {
      throw new IllegalArgumentException(
          "'"
              + upstreamPackage
              + "' has no trademark-free revision that does not start with 0~ ('"
              + base
              + "')");
    }
    return base;
  }

  private static boolean isMosRevision(String revision) {
    try {
      MosRevision.parse(revision);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static MosRevision mosRevisionOf(DebianVersion version, String role) {
    try {
      return MosRevision.parse(version.revision());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          role
              + " '"
              + version
              + "' is not a primary MOS version such as 2.1.0-1~u14.04+mos1: "
              + e.getMessage(),
          e);
    }
  }

  private static DebianVersion checked(DebianVersion version) {
    if (containsTrademark(version.toString())) {
      throw new IllegalArgumentException(
          "'"
              + version
              + "' contains a base distro vendor's trademark ("
              + String.join(", ", TRADEMARKS)
              + ")");
    }
    return version;
  }
}
