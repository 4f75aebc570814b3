package org.perestroika.publisher.mirror;

/** The snapshot tree is not in a state this code made, or cannot be changed safely. */
public final class SnapshotException extends RuntimeException {

  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
