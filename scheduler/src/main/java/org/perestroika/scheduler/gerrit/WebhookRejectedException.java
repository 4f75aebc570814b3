package org.perestroika.scheduler.gerrit;

import java.util.Objects;

/**
 * A webhook request that must not be acted on. The HTTP layer answers {@link Reason#UNAUTHORIZED}
 * with 401 and {@link Reason#MALFORMED} with 400, with {@link #getMessage()} as the body: it never
 * contains the secret.
 */
public final class WebhookRejectedException extends RuntimeException {
  private final Reason reason;

  /** Why the request was rejected. */
  public enum Reason {
    /** The shared secret header is missing or wrong. */
    UNAUTHORIZED,
    /** The body is not a Gerrit event we can read. */
    MALFORMED
  }

  public WebhookRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
