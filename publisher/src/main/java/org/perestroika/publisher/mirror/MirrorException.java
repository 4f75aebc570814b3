package org.perestroika.publisher.mirror;

/**
 * A mirror could not be brought up to date or a repository could not be cloned; the message says
 * what still serves clients and what to do.
 */
public final class MirrorException extends RuntimeException {

  public MirrorException(String message) {
    super(message);
  }

  public MirrorException(String message, Throwable cause) {
    super(message, cause);
  }
}
