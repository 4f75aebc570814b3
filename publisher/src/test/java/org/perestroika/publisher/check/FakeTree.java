package org.perestroika.publisher.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A published tree written by hand, as reprepro would lay it out, with correct checksums and
 * placeholder signatures; tests then damage one thing.
 */
final class FakeTree {
  final Path root;

  FakeTree(Path root) {
    this.root = root;
  }

  /** One suite holding hello 1.0 as source and amd64 binary, listed correctly everywhere. */
  FakeTree suite(String codename) {
    String deb = "pool/main/h/hello/hello_1.0_amd64.deb";
    write(deb, "a deb");
    write("pool/main/h/hello/hello_1.0.dsc", "a dsc");
    write("pool/main/h/hello/hello_1.0.tar.xz", "a tarball");
    String dists = "dists/" + codename + "/";
    write(
        dists + "main/binary-amd64/Packages",
        "Package: hello\nVersion: 1.0\nArchitecture: amd64\nFilename: "
            + deb
            + "\nSize: "
            + size(deb)
            + "\nSHA256: "
            + sha256(deb)
            + "\nDescription: greeting\n a test package\n");
    write(
        dists + "main/source/Sources",
        "Package: hello\nBinary: hello\nVersion: 1.0\nDirectory: pool/main/h/hello\n"
            + "Checksums-Sha256:\n"
            + checksumLine("pool/main/h/hello/hello_1.0.dsc")
            + checksumLine("pool/main/h/hello/hello_1.0.tar.xz"));
    writeRelease(codename);
    return this;
  }

  /** Writes Release listing the suite's indexes as they are now, and signs it for show. */
  void writeRelease(String codename) {
    String dists = "dists/" + codename + "/";
    StringBuilder release =
        new StringBuilder("Origin: Perestroika\nCodename: " + codename + "\nSHA256:\n");
    for (String index : List.of("main/binary-amd64/Packages", "main/source/Sources")) {
      release
          .append(' ')
          .append(sha256(dists + index))
          .append(' ')
          .append(size(dists + index))
          .append(' ')
          .append(index)
          .append('\n');
    }
    write(dists + "Release", release.toString());
    write(
        dists + "InRelease",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            + release
            + "-----BEGIN PGP SIGNATURE-----\n\nc2lnbmF0dXJl\n-----END PGP SIGNATURE-----\n");
    write(dists + "Release.gpg", "signature");
    write("project/mos-archive-keyring.gpg", "key");
    write("project/mos-archive-keyring.sig", "key signature");
  }

  void write(String path, String text) {
    try {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces {@code from} by {@code to} in a file, as someone tampering with it would. */
  void replace(String path, String from, String to) {
    try {
      Path file = root.resolve(path);
      String text = Files.readString(file);
      if (!text.contains(from)) {
        throw new IllegalArgumentException(path + " does not contain " + from);
      }
      Files.writeString(file, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void delete(String path) {
    try {
      Files.delete(root.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long size(String path) {
    try {
      return Files.size(root.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String sha256(String path) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(root.resolve(path))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private String checksumLine(String path) {
    return " " + sha256(path) + " " + size(path) + " " + Path.of(path).getFileName() + "\n";
  }
}
