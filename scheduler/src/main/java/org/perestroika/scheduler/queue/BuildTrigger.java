package org.perestroika.scheduler.queue;

/** Why a build was scheduled, which decides where it publishes and how it reports. */
public enum BuildTrigger {
  /** A new patch set or a recheck: publish to the change's own repository, vote Verified. */
  REVIEW,
  /** A merged change: publish to the release's suite, comment with the result. */
  MERGE,
  /** Asked for through the HTTP API. */
  MANUAL
}
