package org.perestroika.core.version;

import java.util.Objects;

/**
 * A Debian package version ({@code [epoch:]upstream[-revision]}), validated and ordered exactly as
 * dpkg does.
 *
 * <p>Ordering is dpkg's, so it is not consistent with {@code equals}: {@code 1.0} and {@code
 * 1.0-0}, or {@code 1.01} and {@code 1.1}, compare equal but are different records.
 */
public record DebianVersion(int epoch, String upstream, String revision)
    implements Comparable<DebianVersion> {

  public DebianVersion {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(revision, "revision");
    String shown = describe(epoch, upstream, revision);
    if (epoch < 0) {
      throw invalid(shown, "the epoch is negative");
    }
    if (upstream.isEmpty()) {
      throw invalid(shown, "the upstream version is empty");
    }
    if (!VersionText.isDigit(upstream.charAt(0))) {
      throw invalid(shown, "the upstream version must start with a digit");
    }
    for (int i = 0; i < upstream.length(); i++) {
      char c = upstream.charAt(i);
      if (!isAlphanumeric(c) && ".+~-:".indexOf(c) < 0) {
        throw invalid(
            shown,
            "the upstream version may hold only letters, digits and . + ~ - : but has '" + c + "'");
      }
    }
    // Without a revision a hyphen would be read back as the revision separator.
    if (revision.isEmpty() && upstream.indexOf('-') >= 0) {
      throw invalid(shown, "the upstream version may contain '-' only when there is a revision");
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (!isAlphanumeric(c) && ".+~".indexOf(c) < 0) {
        throw invalid(
            shown, "the revision may hold only letters, digits and . + ~ but has '" + c + "'");
      }
    }
  }

  /** A version without epoch or revision, such as a native package's {@code 2.1.0}. */
  public static DebianVersion of(String upstream) {
    return new DebianVersion(0, upstream, "");
  }

  /**
   * Parses a version as dpkg does: the epoch ends at the first colon, the revision starts after the
   * last hyphen.
   *
   * @throws IllegalArgumentException naming the version and what is wrong with it
   */
  public static DebianVersion parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("version missing");
    }
    String version = text.strip();
    if (version.isEmpty()) {
      throw invalid(text, "the version is empty");
    }
    VersionText.Epoch split = VersionText.splitEpoch(version, why -> invalid(text, why));
    int epoch = split.epoch();
    String rest = split.rest();
    if (version.indexOf(':') >= 0 && rest.isEmpty()) {
      throw invalid(text, "nothing follows the epoch's ':'");
    }
    String revision = "";
    int hyphen = rest.lastIndexOf('-');
    if (hyphen >= 0) {
      revision = rest.substring(hyphen + 1);
      rest = rest.substring(0, hyphen);
      if (revision.isEmpty()) {
        throw invalid(text, "the revision after the last '-' is empty");
      }
    }
    return new DebianVersion(epoch, rest, revision);
  }

  public boolean hasRevision() {
    return !revision.isEmpty();
  }

  @Override
  public int compareTo(DebianVersion other) {
    int byEpoch = Integer.compare(epoch, other.epoch);
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byUpstream = compareParts(upstream, other.upstream);
    if (byUpstream != 0) {
      return byUpstream;
    }
    return compareParts(revision, other.revision);
  }

  public boolean isLowerThan(DebianVersion other) {
    return compareTo(other) < 0;
  }

  public boolean isHigherThan(DebianVersion other) {
    return compareTo(other) > 0;
  }

  /** The canonical form: the epoch only when it is non-zero, the revision only when present. */
  @Override
  public String toString() {
    return describe(epoch, upstream, revision);
  }

  private static String describe(int epoch, String upstream, String revision) {
    StringBuilder text = new StringBuilder();
    // An explicit 0: must stay when the upstream part has a colon, or it would read back as epoch.
    if (epoch != 0 || (upstream != null && upstream.indexOf(':') >= 0)) {
      text.append(epoch).append(':');
    }
    text.append(upstream);
    if (revision != null && !revision.isEmpty()) {
      text.append('-').append(revision);
    }
    return text.toString();
  }

  /**
   * dpkg's comparison of one part (upstream or revision): alternating runs of non-digits, compared
   * character by character by {@link #weight}, and runs of digits, compared as numbers.
   */
  private static int compareParts(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      while ((i < a.length() && !VersionText.isDigit(a.charAt(i)))
          || (j < b.length() && !VersionText.isDigit(b.charAt(j)))) {
        int left = weight(a, i);
        int right = weight(b, j);
        if (left != right) {
          return Integer.compare(left, right);
        }
        i++;
        j++;
      }
      int startA = skipZeros(a, i);
      int startB = skipZeros(b, j);
      int endA = digitsEnd(a, startA);
      int endB = digitsEnd(b, startB);
      int lengthA = endA - startA;
      int lengthB = endB - startB;
      if (lengthA != lengthB) {
        return Integer.compare(lengthA, lengthB);
      }
      int numeric = a.substring(startA, endA).compareTo(b.substring(startB, endB));
      if (numeric != 0) {
        return Integer.signum(numeric);
      }
      i = endA;
      j = endB;
    }
    return 0;
  }

  /**
   * The sort weight of the character at {@code index}: '~' sorts before the end of the string,
   * which sorts before letters, which sort before other punctuation. Digits never reach here except
   * as the zero weight that ends a non-digit run.
   */
  private static int weight(String s, int index) {
    if (index >= s.length()) {
      return 0;
    }
    char c = s.charAt(index);
    if (VersionText.isDigit(c)) {
      return 0;
    }
    if (isLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  private static int skipZeros(String s, int from) {
    int index = from;
    while (index < s.length() && s.charAt(index) == '0') {
      index++;
    }
    return index;
  }

  private static int digitsEnd(String s, int from) {
    int index = from;
    while (index < s.length() && VersionText.isDigit(s.charAt(index))) {
      index++;
    }
    return index;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAlphanumeric(char c) {
    return VersionText.isDigit(c) || isLetter(c);
  }

  private static IllegalArgumentException invalid(String version, String why) {
    return new IllegalArgumentException("invalid Debian version '" + version + "': " + why);
  }
}
