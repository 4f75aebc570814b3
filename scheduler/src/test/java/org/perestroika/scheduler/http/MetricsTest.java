package org.perestroika.scheduler.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;
import org.perestroika.scheduler.queue.Builds;
import org.perestroika.scheduler.queue.DatabaseLocation;
import org.perestroika.scheduler.queue.JdbcBuildStore;
import org.perestroika.testing.TestingClock;

class MetricsTest {
  @TempDir Path stateDir;

  @Test
  void theSchedulerMetricsInTheTextFormat() {
    TestingClock clock = TestingClock.at("2026-03-01T10:00:00Z");
    try (BuildStore store = JdbcBuildStore.open(DatabaseLocation.embedded(stateDir), clock)) {
      Metrics metrics = new Metrics();
      SchedulerMetrics scheduler = new SchedulerMetrics(metrics, store, clock);
      Instant now = clock.instant();
      store.enqueue(Builds.manual("abc1234"), "");
      store.enqueue(Builds.manual("abc1234"), "");
      store.start(store.enqueue(Builds.manual("abc1234"), "").id(), now);
      scheduler.buildFinished(ended(store, BuildState.SUCCEEDED, now, Duration.ofSeconds(95)));
      scheduler.buildFinished(ended(store, BuildState.FAILED, now, Duration.ofMillis(400_500)));
      scheduler.buildFinished(ended(store, BuildState.SUCCEEDED, now, Duration.ofHours(5)));
      BuildRecord cancelled = store.enqueue(Builds.manual("abc1234"), "");
      store.finish(cancelled.id(), BuildState.CANCELLED, now, Optional.empty(), "abandoned");
      scheduler.buildFinished(store.get(cancelled.id()).orElseThrow());
      scheduler.gerritEvent("patchset-created", now.minusMillis(300));
      scheduler.gerritEvent("patchset-created", now.minusSeconds(12));
      scheduler.gerritEvent("change-merged", now.plusSeconds(5));

      Golden.assertMatches("scheduler-metrics.txt", metrics.exposition());
    }
  }

  @Test
  void labelValuesAndHelpAreEscaped() {
    Metrics metrics = new Metrics();
    Metrics.Counter counter = metrics.counter("odd_total", "Help with \\ and\nnewline.", "name");
    counter.inc("quote \" backslash \\ newline \n end");
    counter.add(0.25, "a");
    assertEquals(
        "# HELP odd_total Help with \\\\ and\\nnewline.\n"
            + "# TYPE odd_total counter\n"
            + "odd_total{name=\"a\"} 0.25\n"
            + "odd_total{name=\"quote \\\" backslash \\\\ newline \\n end\"} 1\n",
        metrics.exposition());
  }

  @Test
  void numbersAreWrittenAsPrometheusReadsThem() {
    assertEquals("0", Metrics.format(0));
    assertEquals("42", Metrics.format(42));
    assertEquals("-3", Metrics.format(-3));
    assertEquals("0.005", Metrics.format(0.005));
    assertEquals("1.0E-4", Metrics.format(0.0001));
    assertEquals("1.0E20", Metrics.format(1e20));
    assertEquals("+Inf", Metrics.format(Double.POSITIVE_INFINITY));
    assertEquals("-Inf", Metrics.format(Double.NEGATIVE_INFINITY));
    assertEquals("NaN", Metrics.format(Double.NaN));
  }

  @Test
  void misuseIsRefused() {
    Metrics metrics = new Metrics();
    Metrics.Counter counter = metrics.counter("things_total", "Things.", "kind");
    assertThrows(IllegalArgumentException.class, () -> metrics.gauge("things_total", "x", () -> 1));
    assertThrows(IllegalArgumentException.class, () -> metrics.counter("bad-name", "x"));
    assertThrows(IllegalArgumentException.class, () -> metrics.counter("ok", "x", "__reserved"));
    assertThrows(IllegalArgumentException.class, () -> counter.inc());
    assertThrows(IllegalArgumentException.class, () -> counter.add(-1, "a"));
    assertThrows(
        IllegalArgumentException.class, () -> metrics.histogram("h", "x", List.of(1.0, 1.0)));
    assertThrows(IllegalArgumentException.class, () -> metrics.histogram("h", "x", List.of()));
  }

  @Test
  void concurrentUpdatesAreAllCounted() throws Exception {
    Metrics metrics = new Metrics();
    Metrics.Counter counter = metrics.counter("hits_total", "Hits.", "kind");
    Metrics.Histogram histogram = metrics.histogram("sizes", "Sizes.", List.of(1.0, 10.0));
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        work.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 10_000; i++) {
                    counter.inc(i % 2 == 0 ? "even" : "odd");
                    histogram.observe(i % 20);
                  }
                }));
      }
      for (Future<?> each : work) {
        each.get();
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(40_000, counter.value("even"));
    assertEquals(40_000, counter.value("odd"));
    String text = metrics.exposition();
    // Of every 20 observations 0..19, 2 are at most 1 and 11 at most 10.
    assertEquals(
        List.of(
            "sizes_bucket{le=\"1\"} 8000",
            "sizes_bucket{le=\"10\"} 44000",
            "sizes_bucket{le=\"+Inf\"} 80000",
            "sizes_sum 760000",
            "sizes_count 80000"),
        text.lines().filter(line -> line.startsWith("sizes_")).toList());
  }

  private static BuildRecord ended(
      BuildStore store, BuildState state, Instant start, Duration ranFor) {
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    store.start(build.id(), start);
    store.finish(build.id(), state, start.plus(ranFor), Optional.empty(), "");
    return store.get(build.id()).orElseThrow();
  }
}
