package org.perestroika.core;

/**
 * The machine is not ready for what was asked (Docker unreachable, a chroot missing, a tool not
 * installed). The message says what to do; {@link #retryable()} says whether trying again later,
 * unchanged, may succeed.
 */
public final class EnvironmentException extends RuntimeException {
  private final boolean retryable;

  public EnvironmentException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public EnvironmentException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
