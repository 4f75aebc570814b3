package org.perestroika.core.debian;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.perestroika.core.version.DebianVersion;

/**
 * An upload description (.changes): which source at which version, built for which distribution and
 * architectures, and the files that make it up with their SHA-256 checksums.
 */
public record ChangesFile(
    String source,
    DebianVersion version,
    String distribution,
    List<String> architectures,
    List<Entry> files) {

  /** Debian policy's package name syntax. */
  public static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SIZE = Pattern.compile("[0-9]{1,18}");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  public ChangesFile {
    if (source == null || !PACKAGE_NAME.matcher(source).matches()) {
      throw new IllegalArgumentException(
          "source package name '" + source + "' is not a valid Debian package name");
    }
    Objects.requireNonNull(version, "version");
    if (distribution == null || distribution.isBlank()) {
      throw new IllegalArgumentException(source + " " + version + ": distribution missing");
    }
    architectures = List.copyOf(architectures);
    if (architectures.isEmpty()) {
      throw new IllegalArgumentException(source + " " + version + ": no architectures");
    }
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException(source + " " + version + ": lists no files");
    }
  }

  /**
   * Reads and checks a .changes file, signed or not (the signature is not verified here).
   *
   * @throws MalformedControlFileException when a field is missing or broken, or Files and
   *     Checksums-Sha256 disagree
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ChangesFile read(Path changes) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(changes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + changes + ": " + e.getMessage(), e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), changes.toString());
  }

  /** Parses the text of a .changes file; {@code sourceName} names it in messages. */
  public static ChangesFile parse(String text, String sourceName) {
    List<Deb822.Paragraph> paragraphs = Deb822.parse(text, sourceName);
    if (paragraphs.size() != 1) {
      throw new MalformedControlFileException(
          sourceName,
          paragraphs.isEmpty() ? 0 : paragraphs.get(1).line(),
          "a .changes file holds exactly one paragraph, this one has " + paragraphs.size());
    }
    Deb822.Paragraph paragraph = paragraphs.get(0);
    String source = sourceName(paragraph);
    DebianVersion version = version(paragraph);
    String distribution = String.join(" ", words(paragraph.require("Distribution")));
    List<String> architectures = words(paragraph.require("Architecture"));
    List<Entry> files = checksummedFiles(paragraph);
    return new ChangesFile(source, version, distribution, architectures, files);
  }

  /** Names of the files this upload consists of, in the order listed. */
  public List<String> fileNames() {
    return files.stream().map(Entry::name).toList();
  }

  private static String sourceName(Deb822.Paragraph paragraph) {
    String value = paragraph.require("Source");
    // A binary-only rebuild names the source's own version in parentheses: "hello (1.0-1)".
    String name = words(value).get(0);
    if (!PACKAGE_NAME.matcher(name).matches()) {
      throw paragraph.error(
          lineOf(paragraph, "Source"),
          "Source '" + name + "' is not a valid package name (lower-case letters, digits, + - .)");
    }
    return name;
  }

  private static DebianVersion version(Deb822.Paragraph paragraph) {
    String value = paragraph.require("Version");
    try {
      return DebianVersion.parse(value);
    } catch (IllegalArgumentException e) {
      throw paragraph.error(lineOf(paragraph, "Version"), e.getMessage());
    }
  }

  private static List<Entry> checksummedFiles(Deb822.Paragraph paragraph) {
    Map<String, Entry> checksummed = new LinkedHashMap<>();
    paragraph.require("Checksums-Sha256");
    List<Deb822.Line> sums = paragraph.lines("Checksums-Sha256");
    if (sums.isEmpty()) {
      throw paragraph.error(
          lineOf(paragraph, "Checksums-Sha256"), "Checksums-Sha256 lists no files");
    }
    for (Deb822.Line line : sums) {
      List<String> parts = words(line.text());
      if (parts.size() != 3) {
        throw paragraph.error(
            line.number(),
            "Checksums-Sha256 line must be 'sha256 size name', got '" + line.text() + "'");
      }
      String sha256 = parts.get(0).toLowerCase(Locale.ROOT);
      if (!SHA256.matcher(sha256).matches()) {
        throw paragraph.error(line.number(), "'" + parts.get(0) + "' is not a SHA-256 checksum");
      }
      long size = size(paragraph, line, parts.get(1));
      String name = parts.get(2);
      if (checksummed.put(name, new Entry(name, size, sha256)) != null) {
        throw paragraph.error(line.number(), name + " is listed twice in Checksums-Sha256");
      }
    }
    crossCheck(paragraph, checksummed);
    return new ArrayList<>(checksummed.values());
  }

  /** Files and Checksums-Sha256 must name the same files at the same sizes. */
  private static void crossCheck(Deb822.Paragraph paragraph, Map<String, Entry> checksummed) {
    paragraph.require("Files");
    Map<String, Long> listed = new LinkedHashMap<>();
    for (Deb822.Line line : paragraph.lines("Files")) {
      List<String> parts = words(line.text());
      if (parts.size() != 5) {
        throw paragraph.error(
            line.number(),
            "Files line must be 'md5 size section priority name', got '" + line.text() + "'");
      }
      String name = parts.get(4);
      long size = size(paragraph, line, parts.get(1));
      listed.put(name, size);
      Entry entry = checksummed.get(name);
      if (entry == null) {
        throw paragraph.error(
            line.number(), name + " is listed in Files but missing from Checksums-Sha256");
      }
      if (entry.size() != size) {
        throw paragraph.error(
            line.number(),
            name + " has size " + size + " in Files but " + entry.size() + " in Checksums-Sha256");
      }
    }
    for (String name : checksummed.keySet()) {
      if (!listed.containsKey(name)) {
        throw paragraph.error(
            lineOf(paragraph, "Files"),
            name + " is listed in Checksums-Sha256 but missing from Files");
      }
    }
  }

  private static long size(Deb822.Paragraph paragraph, Deb822.Line line, String text) {
    if (!SIZE.matcher(text).matches()) {
      throw paragraph.error(line.number(), "size '" + text + "' is not a number of bytes");
    }
    return Long.parseLong(text);
  }

  private static int lineOf(Deb822.Paragraph paragraph, String field) {
    return paragraph.field(field).map(Deb822.Field::line).orElse(paragraph.line());
  }

  private static List<String> words(String text) {
    String stripped = text.strip();
    return stripped.isEmpty() ? List.of() : List.of(WHITESPACE.split(stripped));
  }

  /** One file of an upload, as Checksums-Sha256 lists it. */
  public record Entry(String name, long size, String sha256) {
    public Entry {
      if (name == null || name.isEmpty() || WHITESPACE.matcher(name).find()) {
        throw new IllegalArgumentException("file name '" + name + "' is empty or has spaces");
      }
      if (size < 0) {
        throw new IllegalArgumentException(name + ": negative size " + size);
      }
      if (sha256 == null || !SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException(name + ": '" + sha256 + "' is not a SHA-256 checksum");
      }
    }
  }
}
