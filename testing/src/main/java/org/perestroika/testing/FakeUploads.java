package org.perestroika.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand-written uploads for tests that never run reprepro: files with arbitrary bytes and a .changes
 * that lists them with their real sizes and checksums.
 */
public final class FakeUploads {
  public static final String SOURCE = "perestroika-hello";
  public static final String SOURCE_COMMIT = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  public static final String BUILD_COMMIT = "8bf699819c9d30e2d34e14e76917f94daea4c67f";

  /** The changelog body lines `perestroika build` adds. */
  public static final String COMMIT_LINES =
      "  * Source commit: " + SOURCE_COMMIT + "\n  * Build commit: " + BUILD_COMMIT + "\n";

  private FakeUploads() {}

  /** Writes {@code perestroika-hello_<version>_amd64.deb} and its .changes into {@code dir}. */
  public static Path deb(Path dir, String version, String content) throws IOException {
    return deb(dir, SOURCE, version, content);
  }

  /** Writes {@code <source>_<version>_amd64.deb} and its .changes into {@code dir}. */
  public static Path deb(Path dir, String source, String version, String content)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(source + "_" + version + "_amd64.deb", content.getBytes(StandardCharsets.UTF_8));
    return write(dir, source, version, files, "  * A change.\n" + COMMIT_LINES);
  }

  /** Writes the files (only those without a directory part) and a .changes listing them all. */
  public static Path write(Path dir, String version, Map<String, byte[]> files) throws IOException {
    return write(dir, SOURCE, version, files, "  * A change.\n" + COMMIT_LINES);
  }

  /** As {@link #write(Path, String, Map)}, with {@code body} as the changelog entry's body. */
  public static Path write(Path dir, String version, Map<String, byte[]> files, String body)
      throws IOException {
    return write(dir, SOURCE, version, files, body);
  }

  private static Path write(
      Path dir, String source, String version, Map<String, byte[]> files, String body)
      throws IOException {
    Files.createDirectories(dir);
    StringBuilder sums = new StringBuilder();
    StringBuilder listed = new StringBuilder();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path path = dir.resolve(file.getKey());
      if (!file.getKey().contains("/")) {
        Files.write(path, file.getValue());
      }
      String sha256 = sha256(file.getValue());
      sums.append(' ')
          .append(sha256)
          .append(' ')
          .append(file.getValue().length)
          .append(' ')
          .append(file.getKey())
          .append('\n');
      listed
          .append(" 00000000000000000000000000000000 ")
          .append(file.getValue().length)
          .append(" misc optional ")
          .append(file.getKey())
          .append('\n');
    }
    Path changes = dir.resolve(source + "_" + version + "_amd64.changes");
    Files.writeString(
        changes,
        "Format: 1.8\n"
            + "Date: Sat, 21 Nov 2026 12:00:00 +0000\n"
            + "Maintainer: Perestroika Build Farm <builds@perestroika.invalid>\n"
            + "Source: "
            + source
            + "\nBinary: "
            + source
            + "\nArchitecture: amd64\nVersion: "
            + version
            + "\nDistribution: bookworm\nChanges:\n "
            + source
            + " ("
            + version
            + ") bookworm; urgency=medium\n .\n"
            + body.lines()
                .map(line -> " " + (line.isEmpty() ? "." : line) + "\n")
                .reduce("", String::concat)
            + "Checksums-Sha256:\n"
            + sums
            + "Files:\n"
            + listed);
    return changes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
