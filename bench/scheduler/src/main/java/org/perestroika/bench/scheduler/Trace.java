package org.perestroika.bench.scheduler;

import org.perestroika.core.gerrit.ChangeRef;

/**
 * What happened to one patch-set-created event and the build it made, as {@link System#nanoTime}
 * stamps (0: did not happen). Written by the scheduler's threads, read once the round has drained.
 */
final class Trace {
  final ChangeRef change;
  final boolean paced;

  volatile long arrived;
  volatile long queued;
  volatile long handled;

  /** Nanoseconds the event thread spent in store calls while handling this event. */
  volatile long storeNanos;

  volatile long storeId;
  volatile String buildId;

  /** When the store had moved the build to RUNNING for a worker. */
  volatile long storeStarted;

  /** When the store had recorded the build cancelled. */
  volatile long cancelledAt;

  /** When the scheduler reported the build dispatched (before assembling its source). */
  volatile long listenerDispatched;

  /** When the dispatcher's worker pool handed the build to the builder. */
  volatile long builderStarted;

  volatile long builderEnded;
  volatile boolean ranToEnd;
  volatile boolean interrupted;

  volatile long published;

  /** When Gerrit was sent the vote, and its value. */
  volatile long reviewed;

  volatile int vote;

  /** When the store had recorded the vote: the worker is free again. */
  volatile long voted;

  /** The store recorded the build as cancelled. */
  volatile boolean cancelled;

  Trace(ChangeRef change, boolean paced) {
    this.change = change;
    this.paced = paced;
  }

  static String key(int change, int patchset) {
    return change + "," + patchset;
  }

  String key() {
    return key(change.number(), change.patchset());
  }

  /** Voted on, or cancelled: the scheduler is done with it. */
  boolean settled() {
    return voted != 0 || cancelled;
  }
}
