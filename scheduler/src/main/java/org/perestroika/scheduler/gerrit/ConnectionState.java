package org.perestroika.scheduler.gerrit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an event stream's connection stands, for health checks and the dashboard.
 *
 * @param since when it entered this status
 * @param lastError why the last connection ended or the last attempt failed; empty while connected
 *     and before the first attempt
 * @param failures connection attempts in a row that failed or did not stay up long enough to count
 *     as healthy; 0 while connected
 */
public record ConnectionState(
    Status status, Instant since, Optional<String> lastError, int failures) {

  /** The phases of a stream's connection. */
  public enum Status {
    /** Connecting, authenticating, or starting {@code gerrit stream-events}. */
    CONNECTING,
    /** Events are flowing (or would, if any happened). */
    CONNECTED,
    /** Waiting before the next attempt, or closed for good. */
    DISCONNECTED
  }

  public ConnectionState {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastError, "lastError");
    if (failures < 0) {
      throw new IllegalArgumentException("failures " + failures + " must not be negative");
    }
  }

  public boolean connected() {
    return status == Status.CONNECTED;
  }
}
