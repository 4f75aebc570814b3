package org.perestroika.scheduler.gerrit;

import java.util.OptionalInt;

/**
 * A Gerrit REST call failed. {@link #retryable()} says whether the same call may succeed later
 * (server down, overloaded, network) or needs a person (credentials, permissions, a conflict).
 */
public final class GerritRestException extends RuntimeException {
  private final boolean retryable;
  private final OptionalInt status;

  public GerritRestException(
      String message, boolean retryable, OptionalInt status, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.status = status;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The HTTP status Gerrit answered with, when it answered. */
  public OptionalInt status() {
    return status;
  }
}
