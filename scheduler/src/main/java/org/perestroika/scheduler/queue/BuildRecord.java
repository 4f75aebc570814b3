package org.perestroika.scheduler.queue;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A scheduled build as the store holds it.
 *
 * @param id the store's number for it
 * @param buildId the id builds and containers carry, such as {@code b42}
 * @param repository where it publishes: a test repository path, or empty for the release mirror
 * @param logPath the saved log, once the build ran
 * @param summary one line on how it ended (or why it was cancelled)
 * @param vote the Verified value posted for it, once posted
 */
public record BuildRecord(
    long id,
    String buildId,
    NewBuild request,
    BuildState state,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    String repository,
    Optional<String> logPath,
    Optional<String> summary,
    Optional<Integer> vote) {

  public BuildRecord {
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(logPath, "logPath");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(vote, "vote");
  }

  /**
   * The build id of the store's number {@code id}, such as {@code b42} for 42: the one name of a
   * build in the API, in logs and in messages, also where only the number is at hand.
   */
  public static String buildIdOf(long id) {
    return "b" + id;
  }
}
