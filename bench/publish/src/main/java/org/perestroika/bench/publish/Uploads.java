package org.perestroika.bench.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;

/**
 * Real binary uploads made with dpkg-deb: tiny packages (one file each) and .changes files that
 * list them with every checksum reprepro and the publisher check, and the changelog commit lines a
 * build adds.
 */
final class Uploads {
  static final String DEB_VERSION_SUFFIX = "~deb12+mos1";
  private static final String COMMIT = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";

  private final CommandRunner runner;
  private final Path dir;

  Uploads(CommandRunner runner, Path dir) {
    this.runner = runner;
    this.dir = dir;
  }

  /**
   * Builds {@code packages} (each from source {@code source} at {@code version}) into {@code
   * dir/<source>_<version>/} unless already there, and returns the .changes listing all of them.
   */
  Path upload(String source, String version, List<String> packages) throws IOException {
    Path out = dir.resolve(source + "_" + version);
    Path changes = out.resolve(source + "_" + version + "_amd64.changes");
    if (Files.isRegularFile(changes)) {
      return changes;
    }
    Path partial = Files.createDirectories(dir.resolve(".partial-" + source + "_" + version));
    StringBuilder sha256 = new StringBuilder();
    StringBuilder sha1 = new StringBuilder();
    StringBuilder md5 = new StringBuilder();
    for (String name : packages) {
      String file = name + "_" + version + "_amd64.deb";
      byte[] bytes = Files.readAllBytes(build(partial, name, source, version, file));
      String entry = " " + bytes.length + " " + file + "\n";
      sha256.append(' ').append(hash("SHA-256", bytes)).append(entry);
      sha1.append(' ').append(hash("SHA-1", bytes)).append(entry);
      md5.append(' ').append(hash("MD5", bytes)).append(" ").append(bytes.length);
      md5.append(" misc optional ").append(file).append('\n');
    }
    Files.writeString(
        partial.resolve(changes.getFileName()),
        "Format: 1.8\n"
            + "Date: Sat, 21 Nov 2026 12:00:00 +0000\n"
            + "Source: "
            + source
            + "\nBinary: "
            + String.join(" ", packages)
            + "\nArchitecture: amd64\nVersion: "
            + version
            + "\nDistribution: bookworm\nUrgency: low\n"
            + "Maintainer: Perestroika Bench <bench@perestroika.invalid>\n"
            + "Changes:\n "
            + source
            + " ("
            + version
            + ") bookworm; urgency=low\n .\n   * Source commit: "
            + COMMIT
            + "\n   * Build commit: "
            + COMMIT
            + "\nChecksums-Sha1:\n"
            + sha1
            + "Checksums-Sha256:\n"
            + sha256
            + "Files:\n"
            + md5,
        StandardCharsets.UTF_8);
    Files.move(partial, out);
    return changes;
  }

  private Path build(Path out, String name, String source, String version, String file)
      throws IOException {
    Path tree = out.resolve("tree-" + name);
    Files.createDirectories(tree.resolve("DEBIAN"));
    Files.createDirectories(tree.resolve("usr/share/" + name));
    Files.writeString(tree.resolve("usr/share/" + name + "/README"), name + " " + version + "\n");
    Files.writeString(
        tree.resolve("DEBIAN/control"),
        "Package: "
            + name
            + "\nSource: "
            + source
            + "\nVersion: "
            + version
            + "\nArchitecture: amd64\nMaintainer: Perestroika Bench <bench@perestroika.invalid>\n"
            + "Section: misc\nPriority: optional\nDescription: benchmark package "
            + name
            + "\n");
    Path deb = out.resolve(file);
    runner.check(
        Command.of(
            "dpkg-deb",
            "--root-owner-group",
            "-Zgzip",
            "-z1",
            "-b",
            tree.toString(),
            deb.toString()));
    FileTrees.delete(tree);
    return deb;
  }

  private static String hash(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
