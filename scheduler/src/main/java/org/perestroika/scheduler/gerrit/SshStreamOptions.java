package org.perestroika.scheduler.gerrit;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of an SSH event stream: how long to wait for the server, how often to check the connection
 * is alive, and how to back off between attempts.
 *
 * @param connectTimeout for each of: TCP connect, authentication, starting the command
 * @param heartbeatInterval how often a keepalive request is sent over an open connection
 * @param heartbeatMissedMax unanswered keepalives after which the connection is judged dead, so a
 *     dead connection is noticed after about {@code heartbeatInterval * (heartbeatMissedMax + 1)}
 * @param initialBackoff the delay after the first failure; each further failure in a row doubles it
 * @param maxBackoff the longest delay between attempts
 * @param healthyAfter a connection that stayed up this long resets the delay to {@code
 *     initialBackoff}
 */
public record SshStreamOptions(
    Duration connectTimeout,
    Duration heartbeatInterval,
    int heartbeatMissedMax,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration healthyAfter) {

  public SshStreamOptions {
    requirePositive(connectTimeout, "connect timeout");
    requirePositive(heartbeatInterval, "heartbeat interval");
    if (heartbeatMissedMax < 1) {
      throw new IllegalArgumentException("missed heartbeats allowed must be at least 1");
    }
    requirePositive(initialBackoff, "initial backoff");
    requirePositive(maxBackoff, "max backoff");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "max backoff " + maxBackoff + " is shorter than initial backoff " + initialBackoff);
    }
    requirePositive(healthyAfter, "healthy period");
  }

  /**
   * 30 s to connect; a keepalive every 15 s, dead after 3 unanswered (about a minute, well inside
   * the idle timeouts of common firewalls); backoff from 1 s doubling to 60 s, reset after a
   * connection stayed up for a minute.
   */
  public static SshStreamOptions defaults() {
    return new SshStreamOptions(
        Duration.ofSeconds(30),
        Duration.ofSeconds(15),
        3,
        Duration.ofSeconds(1),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60));
  }

  /** The delay before the next attempt after {@code failures} failures in a row (from 1). */
  public Duration backoff(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures " + failures + " must be at least 1");
    }
    Duration delay = initialBackoff;
    for (int i = 1; i < failures && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxBackoff) < 0 ? delay : maxBackoff;
  }

  private static void requirePositive(Duration value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " " + value + " must be positive");
    }
  }
}
