package org.perestroika.worker.deb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Source packages and uploads on disk, as Debian tools lay them out, for builder tests. */
final class SourceFixtures {
  /** The example package in the repository, a 3.0 (quilt) tree with its orig tarball beside it. */
  static final Path HELLO = Path.of("..", "examples", "hello").toAbsolutePath().normalize();

  static final Path HELLO_ORIG = HELLO.resolveSibling("perestroika-hello_1.0.orig.tar.gz");
  static final String HELLO_SOURCE = "perestroika-hello";
  static final String HELLO_VERSION = "1.0-1~deb12+mos1";
  static final String HELLO_DEBIAN_TARBALL = "perestroika-hello_1.0-1~deb12+mos1.debian.tar.xz";

  private SourceFixtures() {}

  /** Writes {@code <parent>/<dirName>} with debian/changelog and, unless null, the format. */
  static Path tree(Path parent, String dirName, String source, String version, String format)
      throws IOException {
    Path dir = parent.resolve(dirName);
    Files.createDirectories(dir.resolve("debian/source"));
    Files.writeString(
        dir.resolve("debian/changelog"),
        source
            + " ("
            + version
            + ") unstable; urgency=medium\n\n  * Test release.\n\n"
            + " -- Perestroika Build Farm <builds@perestroika.invalid>"
            + "  Sat, 21 Nov 2026 12:00:00 +0000\n");
    if (format != null) {
      Files.writeString(dir.resolve("debian/source/format"), format + "\n");
    }
    return dir;
  }

  /** The example package as a .dsc in {@code dir}, beside its orig and debian tarballs. */
  static Path helloDsc(Path dir) throws IOException {
    Path orig =
        Files.copy(HELLO_ORIG, Files.createDirectories(dir).resolve(HELLO_ORIG.getFileName()));
    Path debian = file(dir, HELLO_DEBIAN_TARBALL, "debian/");
    return dsc(dir, HELLO_SOURCE, HELLO_VERSION, List.of(orig, debian));
  }

  /** Writes a file of the given text and returns its path. */
  static Path file(Path dir, String name, String content) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve(name), content);
  }

  /** A .dsc in {@code dir} listing {@code files} (which lie in {@code dir}) with their sums. */
  static Path dsc(Path dir, String source, String version, List<Path> files) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("Format: 3.0 (quilt)\n")
        .append("Source: ")
        .append(source)
        .append("\nBinary: ")
        .append(source)
        .append("\nArchitecture: any\nVersion: ")
        .append(version)
        .append("\nMaintainer: Perestroika Build Farm <builds@perestroika.invalid>\n")
        .append("Standards-Version: 4.6.2\nBuild-Depends: debhelper-compat (= 13)\n");
    text.append("Checksums-Sha256:\n");
    for (Path file : files) {
      text.append(' ')
          .append(sha256(file))
          .append(' ')
          .append(Files.size(file))
          .append(' ')
          .append(file.getFileName())
          .append('\n');
    }
    text.append("Files:\n");
    for (Path file : files) {
      text.append(' ')
          .append(digest("MD5", Files.readAllBytes(file)))
          .append(' ')
          .append(Files.size(file))
          .append(' ')
          .append(file.getFileName())
          .append('\n');
    }
    String withoutEpoch = version.substring(version.indexOf(':') + 1);
    return Files.writeString(
        dir.resolve(source + "_" + withoutEpoch + ".dsc"), text, StandardCharsets.UTF_8);
  }

  /** A .changes named {@code fileName} in {@code dir}, listing {@code files} with their sums. */
  static Path changes(Path dir, String fileName, String source, String version, List<Path> files)
      throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("Format: 1.8\nDate: Sat, 21 Nov 2026 12:00:00 +0000\nSource: ")
        .append(source)
        .append("\nBinary: ")
        .append(source)
        .append("\nArchitecture: source amd64\nVersion: ")
        .append(version)
        .append("\nDistribution: bookworm\nUrgency: medium\n")
        .append("Maintainer: Perestroika Build Farm <builds@perestroika.invalid>\n")
        .append("Checksums-Sha256:\n");
    for (Path file : files) {
      text.append(' ')
          .append(sha256(file))
          .append(' ')
          .append(Files.size(file))
          .append(' ')
          .append(file.getFileName())
          .append('\n');
    }
    text.append("Files:\n");
    for (Path file : files) {
      text.append(' ')
          .append(digest("MD5", Files.readAllBytes(file)))
          .append(' ')
          .append(Files.size(file))
          .append(" misc optional ")
          .append(file.getFileName())
          .append('\n');
    }
    return Files.writeString(dir.resolve(fileName), text, StandardCharsets.UTF_8);
  }

  static String sha256(Path file) {
    try {
      return digest("SHA-256", Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String digest(String algorithm, byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
