package org.perestroika.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.perestroika.core.gerrit.ChangeRef;
import org.perestroika.scheduler.gerrit.GerritRest;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.NewBuild;

/**
 * Posts the result of a patch set on its change: once every build of it (one per dist it routes to)
 * has ended, one review with all their results, voting Verified +1 when all succeeded and -1
 * otherwise; a merge gets a comment. Each vote is recorded in the store after it is posted, and
 * Gerrit is asked first whether it already has it, so a restart never posts a vote twice.
 */
final class ReviewReporter {
  private final BuildStore store;
  private final Map<String, GerritRest> gerrit;
  private final String logBaseUrl;

  /**
   * @param logBaseUrl the HTTP API's base URL as people reach it, for log links
   */
  ReviewReporter(BuildStore store, Map<String, GerritRest> gerrit, String logBaseUrl) {
    this.store = store;
    this.gerrit = Map.copyOf(gerrit);
    this.logBaseUrl = logBaseUrl.replaceAll("/+$", "");
  }

  /**
   * Reports the round of builds {@code build} belongs to, if it is the last of them to end; a no-op
   * otherwise. Synchronized, so two builds of one round ending at once post one review.
   */
  synchronized void report(BuildRecord build) {
    NewBuild request = build.request();
    if (request.change().isEmpty()
        || build.vote().isPresent()
        || !build.state().isFinal()
        || build.state() == BuildState.CANCELLED) {
      return;
    }
    // The round: this patch set's builds with the same trigger not yet voted on (a recheck's
    // round, not the one it replaced), less the cancelled ones.
    List<BuildRecord> round =
        store
            .forPatchset(
                request.gerritServer(),
                request.change().get(),
                request.patchset().orElseThrow(),
                request.trigger())
            .stream()
            .filter(b -> b.state() != BuildState.CANCELLED && b.vote().isEmpty())
            .toList();
    if (round.stream().anyMatch(b -> !b.state().isFinal())) {
      return; // The last of the round to end reports it.
    }
    GerritRest rest = gerrit.get(request.gerritServer());
    ChangeRef change = rest.change(request.change().get(), request.patchset().orElseThrow());
    String marker =
        "Perestroika build "
            + round.stream().map(BuildRecord::buildId).collect(Collectors.joining("+"));
    boolean ok = round.stream().allMatch(ReviewReporter::succeeded);
    int vote = request.trigger() == BuildTrigger.REVIEW ? (ok ? 1 : -1) : 0;
    // A restart may find a round it reported just before stopping: Gerrit is asked first.
    // The marker is followed by " succeeded" or " failed": b1 must not match b11's message.
    if (!rest.hasReviewWithTag(change, Scheduler.REVIEW_TAG, marker + " ")) {
      rest.review(change, vote, message(round, marker, ok), Scheduler.REVIEW_TAG);
    }
    round.forEach(b -> store.recordVote(b.id(), vote));
  }

  private String message(List<BuildRecord> round, String marker, boolean ok) {
    StringBuilder text = new StringBuilder();
    text.append(marker).append(ok ? " succeeded" : " failed");
    Optional<Instant> started =
        round.stream().flatMap(b -> b.startedAt().stream()).min(Instant::compareTo);
    Optional<Instant> finished =
        round.stream().flatMap(b -> b.finishedAt().stream()).max(Instant::compareTo);
    if (started.isPresent() && finished.isPresent()) {
      text.append(" in ")
          .append(Duration.between(started.get(), finished.get()).toSeconds())
          .append(" s");
    }
    text.append(".\n");
    for (BuildRecord build : round) {
      text.append("\n").append(build.request().dist()).append(" (").append(build.buildId());
      text.append(succeeded(build) ? ", succeeded" : ", failed").append("): ");
      build.summary().ifPresent(s -> text.append(s.strip()));
      text.append("\n\nLog: ")
          .append(logBaseUrl)
          .append("/api/builds/")
          .append(build.buildId())
          .append("/log\n");
    }
    return text.toString();
  }

  private static boolean succeeded(BuildRecord build) {
    return build.state() == BuildState.SUCCEEDED || build.state() == BuildState.REUSED;
  }
}
