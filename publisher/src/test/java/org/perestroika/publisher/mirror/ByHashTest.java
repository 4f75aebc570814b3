package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByHashTest {
  @TempDir Path dir;

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A suite as reprepro writes it: Packages and Packages.gz stand-ins listed in its Release. */
  private Path suite(String name, String packages) throws IOException {
    Path suite = dir.resolve(name).resolve("dists/mos10.0");
    Path binary = Files.createDirectories(suite.resolve("main/binary-amd64"));
    Files.writeString(binary.resolve("Packages"), packages);
    Files.writeString(binary.resolve("Packages.gz"), packages + " (gz)");
    Files.writeString(
        suite.resolve("Release"),
        "Origin: Perestroika\nCodename: mos10.0\nMD5Sum:\n"
            + " 0123456789abcdef0123456789abcdef 5 main/binary-amd64/Packages\n"
            + "SHA256:\n "
            + sha256(packages)
            + " "
            + packages.length()
            + " main/binary-amd64/Packages\n "
            + sha256(packages + " (gz)")
            + "  "
            + (packages.length() + 5)
            + " main/binary-amd64/Packages.gz\n "
            + sha256("absent")
            + " 6 main/binary-amd64/Packages.xz\n");
    return suite;
  }

  private static List<String> entries(Path suite) throws IOException {
    Path byHash = suite.resolve("main/binary-amd64/by-hash/SHA256");
    try (Stream<Path> files = Files.list(byHash)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void declaresByHashBeforeTheChecksumsOnce() throws IOException {
    Path release = suite("one", "a").resolve("Release");
    Path olderSnapshots = Files.createLink(release.resolveSibling("older"), release);
    String before = Files.readString(release);
    ByHash.declare(release);
    assertEquals(before, Files.readString(olderSnapshots), "a hard-linked twin stays as it was");
    ByHash.declare(release);
    String text = Files.readString(release);
    assertTrue(
        text.startsWith("Origin: Perestroika\nCodename: mos10.0\nAcquire-By-Hash: yes\nMD5Sum:\n"),
        text);
    assertEquals(1, text.split("Acquire-By-Hash").length - 1);
    assertTrue(ByHash.declares(text));
  }

  @Test
  void linksEveryListedIndexThatExistsUnderItsChecksum() throws IOException {
    Path suite = suite("one", "Package: a\n");

    ByHash.link(suite, List.of());

    assertEquals(
        Stream.of(sha256("Package: a\n"), sha256("Package: a\n (gz)")).sorted().toList(),
        entries(suite));
    Path entry = suite.resolve("main/binary-amd64/by-hash/SHA256").resolve(sha256("Package: a\n"));
    assertEquals("Package: a\n", Files.readString(entry));
    assertEquals(
        Files.getAttribute(suite.resolve("main/binary-amd64/Packages"), "unix:ino"),
        Files.getAttribute(entry, "unix:ino"));
  }

  @Test
  void keepsTheIndicesOfEarlierSnapshotsAndDropsOlderOnes() throws IOException {
    Path first = suite("first", "v1");
    ByHash.link(first, List.of());
    // The next snapshot starts as a copy of the first, by-hash entries included.
    Path second = suite("second", "v2");
    copyByHash(first, second);
    ByHash.link(second, List.of(first));
    Path third = suite("third", "v3");
    copyByHash(second, third);

    ByHash.link(third, List.of(second));

    List<String> kept = entries(third);
    assertTrue(kept.contains(sha256("v3")), kept.toString());
    assertTrue(kept.contains(sha256("v2")), "a client holding the previous InRelease: " + kept);
    assertEquals("v2", Files.readString(byHash(third, "v2")));
    assertFalse(kept.contains(sha256("v1")), kept.toString());
    assertEquals(4, kept.size(), kept.toString());
  }

  private static Path byHash(Path suite, String content) {
    return suite.resolve("main/binary-amd64/by-hash/SHA256").resolve(sha256(content));
  }

  private static void copyByHash(Path from, Path to) throws IOException {
    Path source = from.resolve("main/binary-amd64/by-hash/SHA256");
    Path target = Files.createDirectories(to.resolve("main/binary-amd64/by-hash/SHA256"));
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
  }
}
