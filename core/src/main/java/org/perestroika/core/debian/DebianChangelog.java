package org.perestroika.core.debian;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.version.DebianVersion;

/** Reads debian/changelog, which decides a source package's name, version and target. */
public final class DebianChangelog {
  static final String EXPECTED_FORM = "`package (version) distribution; urgency=low`";

  private static final Pattern HEADER =
      Pattern.compile(
          "(?<source>\\S+) \\((?<version>[^()\\s]+)\\)(?<dists>(?:\\s+[^\\s;]+)+)\\s*;(?<options>.*)");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private DebianChangelog() {}

  /**
   * Reads the header line of the newest (topmost) entry.
   *
   * @throws InvalidSourceException when there is no changelog at all
   * @throws MalformedControlFileException when the first entry's header is not of the expected
   *     form, naming the line
   */
  public static ChangelogEntry readTopEntry(Path changelog) {
    if (!Files.isRegularFile(changelog)) {
      throw new InvalidSourceException(
          "no debian/changelog in "
              + sourceTree(changelog)
              + ": a source tree needs debian/changelog (dch --create makes one)");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(changelog);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + changelog + ": " + e.getMessage(), e);
    }
    // Old changelogs may hold Latin-1 names further down; only the ASCII header matters here.
    return parseTopEntry(new String(bytes, StandardCharsets.UTF_8), changelog.toString());
  }

  /** Parses the header of the first entry of changelog text; {@code sourceName} names it. */
  public static ChangelogEntry parseTopEntry(String text, String sourceName) {
    List<String> lines = text.lines().toList();
    int index = 0;
    while (index < lines.size() && lines.get(index).isBlank()) {
      index++;
    }
    if (index == lines.size()) {
      throw new MalformedControlFileException(
          sourceName, 0, "the changelog is empty: its first line must be " + EXPECTED_FORM);
    }
    int lineNumber = index + 1;
    String header = lines.get(index).strip();
    Matcher matcher = HEADER.matcher(header);
    if (!matcher.matches()) {
      throw new MalformedControlFileException(
          sourceName,
          lineNumber,
          "'" + header + "' is not a changelog entry header: expected " + EXPECTED_FORM);
    }
    String source = matcher.group("source");
    if (!ChangesFile.PACKAGE_NAME.matcher(source).matches()) {
      throw new MalformedControlFileException(
          sourceName,
          lineNumber,
          "'"
              + source
              + "' is not a valid source package name (lower-case letters, digits, + - .)"
              + " in '"
              + header
              + "'");
    }
    DebianVersion version;
    try {
      version = DebianVersion.parse(matcher.group("version"));
    } catch (IllegalArgumentException e) {
      throw new MalformedControlFileException(sourceName, lineNumber, e.getMessage());
    }
    String distribution = String.join(" ", SPACES.split(matcher.group("dists").strip()));
    String urgency = null;
    for (String option : matcher.group("options").split(",")) {
      int equals = option.indexOf('=');
      if (equals > 0
          && option.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("urgency")) {
        urgency = option.substring(equals + 1).strip();
      }
    }
    if (urgency == null || urgency.isEmpty()) {
      throw new MalformedControlFileException(
          sourceName, lineNumber, "'" + header + "' has no urgency: expected " + EXPECTED_FORM);
    }
    return new ChangelogEntry(source, version, distribution, urgency);
  }

  /** The directory a person would call the source tree: the parent of debian/. */
  private static Path sourceTree(Path changelog) {
    Path debian = changelog.toAbsolutePath().getParent();
    if (debian == null) {
      return changelog;
    }
    Path name = debian.getFileName();
    if (name != null && name.toString().equals("debian") && debian.getParent() != null) {
      return debian.getParent();
    }
    return debian;
  }
}
