package org.perestroika.core.version;

import java.util.Objects;

/**
 * An RPM package version ({@code [epoch:]version[-release]}), validated and ordered exactly as rpm
 * 4.18 orders EVR strings.
 *
 * <p>An empty release means the version has none. rpm orders a version without a release before the
 * same epoch and version with any release at all, even {@code ~1}: {@code 1.0 < 1.0-~1 < 1.0-0}.
 *
 * <p>Ordering is rpm's, so it is not consistent with {@code equals}: {@code 1.01} and {@code 1.1},
 * or {@code 1.0a} and {@code 1.0.a}, compare equal but are different records.
 */
public record RpmVersion(int epoch, String version, String release)
    implements Comparable<RpmVersion> {

  public RpmVersion {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(release, "release");
    String shown = describe(epoch, version, release);
    if (epoch < 0) {
      throw invalid(shown, "the epoch is negative");
    }
    if (version.isEmpty()) {
      throw invalid(shown, "the version is empty");
    }
    checkCharacters(shown, "version", version);
    checkCharacters(shown, "release", release);
  }

  /** A version without epoch or release, such as {@code 2.1.0}. */
  public static RpmVersion of(String version) {
    return new RpmVersion(0, version, "");
  }

  /**
   * Parses {@code [epoch:]version[-release]}: the epoch ends at the first colon, the release starts
   * after the last hyphen.
   *
   * @throws IllegalArgumentException naming the version and what is wrong with it
   */
  public static RpmVersion parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("version missing");
    }
    if (text.isEmpty()) {
      throw invalid(text, "the version is empty");
    }
    VersionText.Epoch split = VersionText.splitEpoch(text, why -> invalid(text, why));
    int epoch = split.epoch();
    String rest = split.rest();
    String release = "";
    int hyphen = rest.lastIndexOf('-');
    if (hyphen >= 0) {
      release = rest.substring(hyphen + 1);
      rest = rest.substring(0, hyphen);
      if (release.isEmpty()) {
        throw invalid(text, "the release after the last '-' is empty");
      }
    }
    if (rest.isEmpty()) {
      throw invalid(text, "the version is empty");
    }
    return new RpmVersion(epoch, rest, release);
  }

  public boolean hasRelease() {
    return !release.isEmpty();
  }

  @Override
  public int compareTo(RpmVersion other) {
    int byEpoch = Integer.compare(epoch, other.epoch);
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byVersion = rpmvercmp(version, other.version);
    if (byVersion != 0) {
      return byVersion;
    }
    // rpm: a missing release sorts before any release.
    if (release.isEmpty() || other.release.isEmpty()) {
      return Boolean.compare(!release.isEmpty(), !other.release.isEmpty());
    }
    return rpmvercmp(release, other.release);
  }

  public boolean isLowerThan(RpmVersion other) {
    return compareTo(other) < 0;
  }

  public boolean isHigherThan(RpmVersion other) {
    return compareTo(other) > 0;
  }

  /** The canonical form: the epoch only when it is non-zero, the release only when present. */
  @Override
  public String toString() {
    return describe(epoch, version, release);
  }

  /**
   * rpm's comparison of one version or release string. Both are split into runs of digits and runs
   * of letters; other characters only separate runs. '~' sorts before anything, even the end; '^'
   * sorts after the end but before anything else. Digit runs compare as numbers and beat letter
   * runs; when all runs match, the string with runs left over is newer.
   */
  static int rpmvercmp(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int i = 0;
    int j = 0;
    while (i < a.length() || j < b.length()) {
      i = skipSeparators(a, i);
      j = skipSeparators(b, j);
      char x = charAt(a, i);
      char y = charAt(b, j);
      if (x == '~' || y == '~') {
        if (x != '~') {
          return 1;
        }
        if (y != '~') {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (x == '^' || y == '^') {
        if (i >= a.length()) {
          return -1;
        }
        if (j >= b.length()) {
          return 1;
        }
        if (x != '^') {
          return 1;
        }
        if (y != '^') {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (i >= a.length() || j >= b.length()) {
        break;
      }
      // The run's kind is decided by the left side; the right side takes a run of the same kind.
      boolean numeric = VersionText.isDigit(x);
      int endA = runEnd(a, i, numeric);
      int endB = runEnd(b, j, numeric);
      if (endB == j) {
        return numeric ? 1 : -1;
      }
      int byRun =
          numeric
              ? compareNumbers(a.substring(i, endA), b.substring(j, endB))
              : Integer.signum(a.substring(i, endA).compareTo(b.substring(j, endB)));
      if (byRun != 0) {
        return byRun;
      }
      i = endA;
      j = endB;
    }
    boolean aDone = i >= a.length();
    boolean bDone = j >= b.length();
    if (aDone && bDone) {
      return 0;
    }
    return aDone ? -1 : 1;
  }

  private static int compareNumbers(String a, String b) {
    String x = stripZeros(a);
    String y = stripZeros(b);
    if (x.length() != y.length()) {
      return Integer.compare(x.length(), y.length());
    }
    return Integer.signum(x.compareTo(y));
  }

  private static String stripZeros(String digits) {
    int start = 0;
    while (start < digits.length() && digits.charAt(start) == '0') {
      start++;
    }
    return digits.substring(start);
  }

  private static int skipSeparators(String s, int from) {
    int index = from;
    while (index < s.length()) {
      char c = s.charAt(index);
      if (isAlphanumeric(c) || c == '~' || c == '^') {
        break;
      }
      index++;
    }
    return index;
  }

  private static int runEnd(String s, int from, boolean digits) {
    int index = from;
    while (index < s.length()
        && (digits ? VersionText.isDigit(s.charAt(index)) : isLetter(s.charAt(index)))) {
      index++;
    }
    return index;
  }

  private static char charAt(String s, int index) {
    return index < s.length() ? s.charAt(index) : '\0';
  }

  private static void checkCharacters(String shown, String part, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAlphanumeric(c) && "._+~^".indexOf(c) < 0) {
        throw invalid(
            shown,
            "the " + part + " may hold only letters, digits and . _ + ~ ^ but has '" + c + "'");
      }
    }
  }

  private static String describe(int epoch, String version, String release) {
    StringBuilder text = new StringBuilder();
    if (epoch != 0) {
      text.append(epoch).append(':');
    }
    text.append(version);
    if (release != null && !release.isEmpty()) {
      text.append('-').append(release);
    }
    return text.toString();
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAlphanumeric(char c) {
    return VersionText.isDigit(c) || isLetter(c);
  }

  private static IllegalArgumentException invalid(String version, String why) {
    return new IllegalArgumentException("invalid RPM version '" + version + "': " + why);
  }
}
