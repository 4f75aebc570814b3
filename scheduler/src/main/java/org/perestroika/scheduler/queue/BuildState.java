package org.perestroika.scheduler.queue;

/** Where a scheduled build is in its life. Only the last four are final. */
public enum BuildState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  /** Stopped on purpose: a newer patch set, an abandoned change, or by hand. */
  CANCELLED,
  /** Another build with the same inputs had already succeeded; its artifacts were reused. */
  REUSED;

  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }
}
