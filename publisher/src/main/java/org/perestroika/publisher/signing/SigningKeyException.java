package org.perestroika.publisher.signing;

/** The signing key cannot be used: missing, ambiguous, unusable, or its home is unsafe. */
public final class SigningKeyException extends RuntimeException {

  public SigningKeyException(String message) {
    super(message);
  }

  public SigningKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
