package org.perestroika.core.gerrit;

/**
 * A Gerrit event that cannot be used: not JSON, not an object, or without an attribute we need.
 * Whoever reads a stream of events logs it and goes on with the next one.
 */
public final class MalformedEventException extends RuntimeException {

  public MalformedEventException(String message) {
    super(message);
  }

  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
