package org.perestroika.testing.gerrit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough JSON for the harness, which must not bring a JSON library to its users. */
final class Json {
  private Json() {}

  /** A JSON string literal, quotes included. */
  static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /**
   * The first number or plain string (no escapes) under {@code name}, wherever it is nested. Gerrit
   * writes a change's own fields before its nested objects, so the first match is the top level's.
   */
  static Optional<String> firstScalar(String json, String name) {
    Matcher m =
        Pattern.compile(Pattern.quote(string(name)) + "\\s*:\\s*(?:\"([^\"\\\\]*)\"|(-?\\d+))")
            .matcher(json);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(m.group(1) != null ? m.group(1) : m.group(2));
  }
}
