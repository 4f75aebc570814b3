package org.perestroika.core.version;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Debian revision of a MOS package, {@code <base>~<distro token>+mos<subrevision>}, such as
 * {@code 2.3~u14.04+mos1}.
 */
public record MosRevision(String base, String distroToken, int subrevision) {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z][A-Za-z0-9.]*");
  private static final Pattern BASE = Pattern.compile("[A-Za-z0-9.+~]+");
  private static final Pattern REVISION =
      Pattern.compile("(.+)~([A-Za-z][A-Za-z0-9.]*)\\+mos([0-9]{1,9})");

  public MosRevision {
    Objects.requireNonNull(base, "base");
    checkDistroToken(distroToken);
    if (!BASE.matcher(base).matches()) {
      throw new IllegalArgumentException(
          "revision base '" + base + "' must be letters, digits and . + ~ only, and not empty");
    }
    if (base.startsWith("0~") || base.equals("0")) {
      throw new IllegalArgumentException(
          "revision base '"
              + base
              + "' would start the revision with 0~, which sorts below the upstream version");
    }
    if (MosVersioning.containsTrademark(base)) {
      throw new IllegalArgumentException(
          "revision base '" + base + "' contains a base distro vendor's trademark");
    }
    if (subrevision < 1) {
      throw new IllegalArgumentException(
          "subrevision must be 1 or more (numbering starts from 1), got " + subrevision);
    }
  }

  /**
   * Reads a MOS revision such as {@code 2.3~u14.04+mos2}.
   *
   * @throws IllegalArgumentException when the revision is not of the MOS form
   */
  public static MosRevision parse(String revision) {
    Matcher m = REVISION.matcher(Objects.requireNonNull(revision, "revision"));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "revision '"
              + revision
              + "' is not of the form <revision>~<distro token>+mos<subrevision>,"
              + " such as 1~u14.04+mos1");
    }
    return new MosRevision(m.group(1), m.group(2), Integer.parseInt(m.group(3)));
  }

  /**
   * Checks a base distro release token such as {@code u14.04} or {@code deb12}.
   *
   * @throws IllegalArgumentException when the token is empty, holds characters other than letters,
   *     digits and dots, does not start with a letter, or names a vendor trademark
   */
  static String checkDistroToken(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      throw new IllegalArgumentException(
          "distro token '"
              + token
              + "' must start with a letter and hold only letters, digits and dots,"
              + " such as u14.04 or deb12");
    }
    if (MosVersioning.containsTrademark(token)) {
      throw new IllegalArgumentException(
          "distro token '"
              + token
              + "' contains a base distro vendor's trademark; abbreviate it, such as u14.04");
    }
    return token;
  }

  @Override
  public String toString() {
    return base + "~" + distroToken + "+mos" + subrevision;
  }
}
