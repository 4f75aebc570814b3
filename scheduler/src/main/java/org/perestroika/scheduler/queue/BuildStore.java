package org.perestroika.scheduler.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable build state: what was asked, what ran, how it ended, what was voted, and how far the
 * event stream of each Gerrit server was read. Implementations must survive a crash at any point
 * with every committed call intact, and must be safe to call from several threads.
 */
public interface BuildStore extends AutoCloseable {

  /** Records a new build as QUEUED and returns it with its id and build id. */
  BuildRecord enqueue(NewBuild build, String repository);

  Optional<BuildRecord> get(long id);

  Optional<BuildRecord> getByBuildId(String buildId);

  /** The newest builds first, at most {@code limit}. */
  List<BuildRecord> recent(int limit);

  /** Builds of that change on that server in QUEUED or RUNNING state. */
  List<BuildRecord> activeForChange(String gerritServer, int change);

  /** Every build with that trigger of that patch set, in any state, oldest first. */
  List<BuildRecord> forPatchset(
      String gerritServer, int change, int patchset, BuildTrigger trigger);

  /** Whether a build with that trigger, in any state, was scheduled for that patch set. */
  default boolean hasBuildFor(String gerritServer, int change, int patchset, BuildTrigger trigger) {
    return !forPatchset(gerritServer, change, patchset, trigger).isEmpty();
  }

  /** Every build in QUEUED or RUNNING state, oldest first: what a restart must reconcile. */
  List<BuildRecord> unfinished();

  /** The most recent SUCCEEDED build with exactly these inputs, if any. */
  Optional<BuildRecord> succeededWithInputs(String inputsKey);

  /**
   * Moves a QUEUED build to RUNNING. Returns false (and changes nothing) when the build is no
   * longer QUEUED, e.g. because it was cancelled meanwhile.
   */
  boolean start(long id, Instant at);

  /** Puts a RUNNING build back to QUEUED (after a restart found it orphaned). */
  void requeue(long id);

  /**
   * Records how a build ended. Returns false (and changes nothing) when it had already ended, so a
   * late result cannot overwrite a cancellation.
   */
  boolean finish(long id, BuildState state, Instant at, Optional<String> logPath, String summary);

  /**
   * Records that a vote was posted for this build. Returns false when one already was: callers post
   * only after this returns true, so no vote is posted twice.
   */
  boolean recordVote(long id, int value);

  /** When the newest event read from that Gerrit server was created, for catching up. */
  Optional<Instant> lastEventTime(String gerritServer);

  /** Moves the mark forward; an older time than the stored one is ignored. */
  void advanceLastEventTime(String gerritServer, Instant createdOn);

  @Override
  void close();
}
