package org.perestroika.bench.scheduler;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.perestroika.scheduler.queue.BuildRecord;

/** The traces of one round, found by patch set, by store id or by build id. */
final class Traces {
  private final Map<String, Trace> byKey = new ConcurrentHashMap<>();
  private final Map<Long, Trace> byId = new ConcurrentHashMap<>();
  private final Map<String, Trace> byBuildId = new ConcurrentHashMap<>();

  void add(Trace trace) {
    byKey.put(trace.key(), trace);
  }

  Optional<Trace> of(int change, int patchset) {
    return Optional.ofNullable(byKey.get(Trace.key(change, patchset)));
  }

  Optional<Trace> byId(long id) {
    return Optional.ofNullable(byId.get(id));
  }

  Optional<Trace> byBuildId(String buildId) {
    return Optional.ofNullable(byBuildId.get(buildId));
  }

  /** The scheduler recorded a build for a traced event. */
  void queued(BuildRecord build, long at) {
    Trace trace =
        of(build.request().change().orElseThrow(), build.request().patchset().orElseThrow())
            .orElseThrow(() -> new IllegalStateException("an untraced build " + build.buildId()));
    trace.queued = at;
    trace.storeId = build.id();
    trace.buildId = build.buildId();
    byId.put(build.id(), trace);
    byBuildId.put(build.buildId(), trace);
  }

  /** Wakes {@link #await} callers: a trace may have settled. */
  synchronized void changed() {
    notifyAll();
  }

  /**
   * Waits until at most {@code unsettled} of {@code traces} are neither voted on nor cancelled.
   *
   * @return false when the deadline ({@link System#nanoTime}) passed first
   */
  synchronized boolean await(Collection<Trace> traces, int unsettled, long deadline)
      throws InterruptedException {
    while (traces.stream().filter(t -> !t.settled()).count() > unsettled) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
