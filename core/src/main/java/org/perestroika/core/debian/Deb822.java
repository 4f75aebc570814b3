package org.perestroika.core.debian;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Parses Debian's RFC 822 style control files (.changes, .dsc, Release, conf/distributions) into
 * paragraphs of fields, stripping an OpenPGP clear-signature wrapper when there is one.
 */
public final class Deb822 {
  private static final String SIGNED_START = "-----BEGIN PGP SIGNED MESSAGE-----";
  private static final String SIGNATURE_START = "-----BEGIN PGP SIGNATURE-----";
  private static final String SIGNATURE_END = "-----END PGP SIGNATURE-----";
  private static final int QUOTE_LIMIT = 60;

  private Deb822() {}

  /**
   * Parses {@code text} into its paragraphs, in order. Field names are matched case-insensitively
   * and keep their spelling; blank (or whitespace-only) lines separate paragraphs; lines starting
   * with '#' are comments.
   *
   * @param sourceName names the text in error messages, usually its file name
   * @throws MalformedControlFileException naming {@code sourceName}, the line and the problem
   */
  public static List<Paragraph> parse(String text, String sourceName) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sourceName, "sourceName");
    List<Line> lines = unwrapSignature(split(text), sourceName);
    List<Paragraph> paragraphs = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    int paragraphLine = 0;
    String name = null;
    int fieldLine = 0;
    String firstLine = null;
    List<Line> continuation = new ArrayList<>();
    for (Line line : lines) {
      String content = line.text();
      if (content.isBlank()) {
        if (name != null) {
          fields.add(new Field(name, fieldLine, firstLine, continuation));
          name = null;
        }
        if (!fields.isEmpty()) {
          paragraphs.add(new Paragraph(sourceName, paragraphLine, fields));
          fields = new ArrayList<>();
        }
        continue;
      }
      if (content.startsWith("#")) {
        continue;
      }
      if (content.startsWith(" ") || content.startsWith("\t")) {
        if (name == null) {
          throw new MalformedControlFileException(
              sourceName,
              line.number(),
              "continuation line (starting with whitespace) outside any field: '"
                  + quote(content.strip())
                  + "'");
        }
        continuation.add(new Line(line.number(), content.substring(1).stripTrailing()));
        continue;
      }
      if (name != null) {
        fields.add(new Field(name, fieldLine, firstLine, continuation));
      }
      int colon = content.indexOf(':');
      if (colon < 0) {
        throw new MalformedControlFileException(
            sourceName,
            line.number(),
            "expected 'Field: value' but found '" + quote(content) + "'");
      }
      name = content.substring(0, colon);
      checkFieldName(name, sourceName, line.number());
      for (Field earlier : fields) {
        if (earlier.name().equalsIgnoreCase(name)) {
          throw new MalformedControlFileException(
              sourceName,
              line.number(),
              "field '"
                  + name
                  + "' appears twice in one paragraph (first on line "
                  + earlier.line()
                  + ")");
        }
      }
      if (fields.isEmpty()) {
        paragraphLine = line.number();
      }
      fieldLine = line.number();
      firstLine = content.substring(colon + 1).strip();
      continuation = new ArrayList<>();
    }
    if (name != null) {
      fields.add(new Field(name, fieldLine, firstLine, continuation));
    }
    if (!fields.isEmpty()) {
      paragraphs.add(new Paragraph(sourceName, paragraphLine, fields));
    }
    return List.copyOf(paragraphs);
  }

  private static void checkFieldName(String name, String sourceName, int line) {
    if (name.isEmpty()) {
      throw new MalformedControlFileException(sourceName, line, "field name missing before ':'");
    }
    if (name.startsWith("-")) {
      throw new MalformedControlFileException(
          sourceName, line, "field name '" + quote(name) + "' must not start with '-'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new MalformedControlFileException(
            sourceName,
            line,
            "field name '" + quote(name) + "' may hold only printable ASCII without spaces");
      }
    }
  }

  private static List<Line> split(String text) {
    List<Line> lines = new ArrayList<>();
    int number = 1;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      int next = end < 0 ? text.length() : end + 1;
      String content = text.substring(start, end < 0 ? text.length() : end);
      if (content.endsWith("\r")) {
        content = content.substring(0, content.length() - 1);
      }
      lines.add(new Line(number++, content));
      start = next;
    }
    return lines;
  }

  /**
   * Returns the signed body of a clear-signed message with dash-escaping undone and the original
   * line numbers kept, or the lines unchanged when the text is not signed. The signature itself is
   * not checked here: that is gpgv's job, against a keyring the caller trusts.
   */
  private static List<Line> unwrapSignature(List<Line> lines, String sourceName) {
    int index = 0;
    while (index < lines.size() && lines.get(index).text().isBlank()) {
      index++;
    }
    if (index == lines.size() || !lines.get(index).text().strip().equals(SIGNED_START)) {
      return lines;
    }
    int signedLine = lines.get(index).number();
    index++;
    // Armor headers such as "Hash: SHA512" run up to the first empty line.
    while (index < lines.size() && !lines.get(index).text().isBlank()) {
      index++;
    }
    if (index == lines.size()) {
      throw new MalformedControlFileException(
          sourceName,
          signedLine,
          "signed message has no empty line after its armor headers, so it has no body");
    }
    index++;
    List<Line> body = new ArrayList<>();
    while (index < lines.size() && !lines.get(index).text().strip().equals(SIGNATURE_START)) {
      Line line = lines.get(index);
      if (line.text().startsWith("- ")) {
        body.add(new Line(line.number(), line.text().substring(2)));
      } else if (line.text().startsWith("-")) {
        throw new MalformedControlFileException(
            sourceName,
            line.number(),
            "line of a signed message starts with '-' but is not dash-escaped ('- ')");
      } else {
        body.add(line);
      }
      index++;
    }
    if (index == lines.size()) {
      throw new MalformedControlFileException(
          sourceName, signedLine, "signed message has no " + SIGNATURE_START + " block");
    }
    int signatureLine = lines.get(index).number();
    while (index < lines.size() && !lines.get(index).text().strip().equals(SIGNATURE_END)) {
      index++;
    }
    if (index == lines.size()) {
      throw new MalformedControlFileException(
          sourceName, signatureLine, "signature block has no " + SIGNATURE_END + " line");
    }
    index++;
    for (; index < lines.size(); index++) {
      if (!lines.get(index).text().isBlank()) {
        throw new MalformedControlFileException(
            sourceName,
            lines.get(index).number(),
            "text after the end of the signature: '" + quote(lines.get(index).text()) + "'");
      }
    }
    return body;
  }

  private static String quote(String text) {
    return text.length() > QUOTE_LIMIT ? text.substring(0, QUOTE_LIMIT) + "..." : text;
  }

  /** One physical line of a control file with its 1-based number in the original text. */
  public record Line(int number, String text) {
    public Line {
      Objects.requireNonNull(text, "text");
      if (number < 1) {
        throw new IllegalArgumentException("line numbers start at 1, got " + number);
      }
    }
  }

  /**
   * One field: its name as spelled, the line it starts on, the text after the colon and its
   * continuation lines (each without the one leading space or tab that marks it).
   */
  public record Field(String name, int line, String firstLine, List<Line> continuation) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(firstLine, "firstLine");
      continuation = List.copyOf(continuation);
    }

    /** The whole value: the first line, then each continuation line after a newline. */
    public String value() {
      if (continuation.isEmpty()) {
        return firstLine;
      }
      return firstLine
          + "\n"
          + continuation.stream().map(Line::text).collect(Collectors.joining("\n"));
    }
  }

  /** One paragraph (stanza) of fields, with the file and line it came from for messages. */
  public record Paragraph(String sourceName, int line, List<Field> fields) {
    public Paragraph {
      Objects.requireNonNull(sourceName, "sourceName");
      fields = List.copyOf(fields);
    }

    public Optional<Field> field(String name) {
      String wanted = name.toLowerCase(Locale.ROOT);
      return fields.stream()
          .filter(field -> field.name().toLowerCase(Locale.ROOT).equals(wanted))
          .findFirst();
    }

    /** The field's whole value, as {@link Field#value()}. */
    public Optional<String> value(String name) {
      return field(name).map(Field::value);
    }

    /**
     * The value of a field that must be present and not empty.
     *
     * @throws MalformedControlFileException naming the paragraph's line and the field
     */
    public String require(String name) {
      Field field =
          field(name).orElseThrow(() -> error(line, "required field '" + name + "' is missing"));
      String value = field.value().strip();
      if (value.isEmpty()) {
        throw error(field.line(), "field '" + field.name() + "' is empty");
      }
      return value;
    }

    /**
     * The non-blank continuation lines of a multi-line field such as Files, stripped; empty when
     * the field is absent.
     */
    public List<Line> lines(String name) {
      return field(name).stream()
          .flatMap(field -> field.continuation().stream())
          .filter(line -> !line.text().isBlank())
          .map(line -> new Line(line.number(), line.text().strip()))
          .toList();
    }

    /** An error about this paragraph's text, for callers that check field contents. */
    public MalformedControlFileException error(int atLine, String problem) {
      return new MalformedControlFileException(sourceName, atLine, problem);
    }
  }
}
