package org.perestroika.scheduler.gerrit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password or shared secret. Its {@link #toString()} is masked, so a configuration record that
 * holds one can be logged whole without leaking it.
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "secret");
  }

  /** The secret itself, for the one call that sends it; never log what this returns. */
  public String reveal() {
    return value;
  }

  /**
   * Whether {@code candidate} is this secret, in time that does not depend on where they differ
   * (both sides are hashed first, so not on their lengths either).
   */
  public boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(value), sha256(candidate));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && matches(secret.value);
  }

  @Override
  public int hashCode() {
    // Equal secrets must hash alike; a constant keeps the hash from saying anything about it.
    return 0;
  }

  @Override
  public String toString() {
    return "******";
  }
}
