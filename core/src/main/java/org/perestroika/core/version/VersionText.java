package org.perestroika.core.version;

import java.util.function.Function;

/**
 * What Debian and RPM version strings share: no whitespace, and an optional numeric epoch before
 * the first ':'. Each format words its own errors, given as {@code invalid}.
 */
final class VersionText {
  private VersionText() {}

  /** An epoch and what follows its ':' (the whole text when there is no epoch). */
  record Epoch(int epoch, String rest) {}

  static Epoch splitEpoch(String text, Function<String, IllegalArgumentException> invalid) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        throw invalid.apply("a version cannot contain whitespace");
      }
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new Epoch(0, text);
    }
    String digits = text.substring(0, colon);
    if (digits.isEmpty()) {
      throw invalid.apply("the epoch before ':' is empty");
    }
    for (int i = 0; i < digits.length(); i++) {
      if (!isDigit(digits.charAt(i))) {
        throw invalid.apply("the epoch '" + digits + "' is not a number");
      }
    }
    try {
      return new Epoch(Integer.parseInt(digits), text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid.apply("the epoch '" + digits + "' is too big");
    }
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
