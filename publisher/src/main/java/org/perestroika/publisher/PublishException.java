package org.perestroika.publisher;

/**
 * Publishing failed for a reason outside the upload (the repository's layout, a tool that did not
 * do what it reported); the repository was left as it was before.
 */
public final class PublishException extends RuntimeException {

  public PublishException(String message) {
    super(message);
  }

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
