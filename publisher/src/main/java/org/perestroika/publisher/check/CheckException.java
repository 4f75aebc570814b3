package org.perestroika.publisher.check;

/**
 * A release could not be checked at all: its tree is missing, a tool is not installed or a file
 * cannot be read. Unlike a failed check this says nothing about the release itself.
 */
public final class CheckException extends RuntimeException {

  public CheckException(String message) {
    super(message);
  }

  public CheckException(String message, Throwable cause) {
    super(message, cause);
  }
}
