package org.perestroika.core.debian;

/** A directory or file offered as a package source cannot be used as one. */
public final class InvalidSourceException extends RuntimeException {

  public InvalidSourceException(String message) {
    super(message);
  }

  public InvalidSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
