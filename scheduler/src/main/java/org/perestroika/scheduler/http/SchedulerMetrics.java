package org.perestroika.scheduler.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;

/**
 * The scheduler's own metrics, registered in a {@link Metrics}: the queue's length and the running
 * builds read from the store at each scrape, how builds ended and how long they ran, and the Gerrit
 * events seen with how late they arrived.
 */
public final class SchedulerMetrics {
  /** From half a minute to four hours: package builds take minutes, big ones hours. */
  public static final List<Double> DURATION_BUCKETS =
      List.of(30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14400.0);

  /** From a tenth of a second to an hour: stream events are near-instant, catch-up is not. */
  public static final List<Double> LAG_BUCKETS =
      List.of(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0);

  private final Clock clock;
  private final Metrics.Counter builds;
  private final Metrics.Histogram durations;
  private final Metrics.Counter events;
  private final Metrics.Histogram lag;

  public SchedulerMetrics(Metrics metrics, BuildStore store, Clock clock) {
    Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    metrics.gauge(
        "perestroika_builds_queued",
        "Builds waiting for a free slot.",
        () -> count(store, BuildState.QUEUED));
    metrics.gauge(
        "perestroika_builds_running",
        "Builds running now.",
        () -> count(store, BuildState.RUNNING));
    builds =
        metrics.counter(
            "perestroika_builds_total", "Builds that ended, by the state they ended in.", "state");
    for (BuildState state : BuildState.values()) {
      if (state.isFinal()) {
        builds.add(0, label(state));
      }
    }
    durations =
        metrics.histogram(
            "perestroika_build_duration_seconds",
            "How long builds ran, from start to end.",
            DURATION_BUCKETS);
    events =
        metrics.counter(
            "perestroika_gerrit_events_total", "Gerrit events received, by type.", "type");
    lag =
        metrics.histogram(
            "perestroika_gerrit_event_lag_seconds",
            "How long after Gerrit created an event the scheduler received it.",
            LAG_BUCKETS);
  }

  /** Counts a build that ended, and its running time when it ran at all. */
  public void buildFinished(BuildRecord build) {
    if (!build.state().isFinal()) {
      throw new IllegalArgumentException(build.buildId() + " has not ended: " + build.state());
    }
    builds.inc(label(build.state()));
    if (build.startedAt().isPresent() && build.finishedAt().isPresent()) {
      durations.observe(
          seconds(Duration.between(build.startedAt().get(), build.finishedAt().get())));
    }
  }

  /** Counts a Gerrit event of that type (such as patchset-created) created at that time. */
  public void gerritEvent(String type, Instant createdOn) {
    Objects.requireNonNull(createdOn, "createdOn");
    events.inc(type);
    // A Gerrit clock slightly ahead of ours would give a negative lag, which means no lag.
    lag.observe(Math.max(0, seconds(Duration.between(createdOn, clock.instant()))));
  }

  private static double count(BuildStore store, BuildState state) {
    return store.unfinished().stream().filter(build -> build.state() == state).count();
  }

  private static String label(BuildState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
