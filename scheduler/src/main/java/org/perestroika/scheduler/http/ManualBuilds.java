package org.perestroika.scheduler.http;

/** Schedules builds asked for through the HTTP API. */
@FunctionalInterface
public interface ManualBuilds {

  /**
   * Routes the request to its package and release and queues a MANUAL build, or rejects it: a
   * project or branch Perestroika does not build, or a commit that does not exist. Faults of the
   * machinery (Gerrit or the database unreachable) are exceptions, not rejections.
   */
  ManualBuildOutcome request(ManualBuildRequest request);
}
