package org.perestroika.publisher;

/**
 * An upload offered for publishing cannot be used as it is (missing or mismatched files, a broken
 * .changes); the message names the file and what to do. Nothing was published.
 */
public final class InvalidUploadException extends RuntimeException {

  public InvalidUploadException(String message) {
    super(message);
  }

  public InvalidUploadException(String message, Throwable cause) {
    super(message, cause);
  }
}
