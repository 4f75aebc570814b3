package org.perestroika.publisher.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A file's size and SHA256, the two things Release and index files list for each file. */
record Digest(long size, String sha256) {

  static Digest of(byte[] bytes) {
    MessageDigest digest = newSha256();
    digest.update(bytes);
    return new Digest(bytes.length, HexFormat.of().formatHex(digest.digest()));
  }

  /**
   * @throws CheckException when the file cannot be read
   */
  static Digest of(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = newSha256();
      byte[] buffer = new byte[1 << 16];
      long size = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
      return new Digest(size, HexFormat.of().formatHex(digest.digest()));
    } catch (AccessDeniedException e) {
      throw new CheckException("cannot read " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new CheckException("cannot read " + file + ": " + e, e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
