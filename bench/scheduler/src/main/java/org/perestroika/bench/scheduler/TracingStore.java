package org.perestroika.bench.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.NewBuild;

/**
 * Passes every call to the real store. On the way it adds the time the event thread spends in the
 * store to the trace of the event being handled, and marks traces settled when the store records
 * their vote or their cancellation.
 */
final class TracingStore implements BuildStore {
  private final BuildStore store;
  private final Traces traces;
  private volatile Thread eventThread;
  private volatile Trace handling;

  TracingStore(BuildStore store, Traces traces) {
    this.store = store;
    this.traces = traces;
  }

  /** The event thread is handling {@code trace}'s event (null: none). */
  void handling(Trace trace) {
    eventThread = Thread.currentThread();
    handling = trace;
  }

  private <T> T timed(Supplier<T> call) {
    long started = System.nanoTime();
    try {
      return call.get();
    } finally {
      Trace trace = handling;
      if (trace != null && Thread.currentThread() == eventThread) {
        trace.storeNanos += System.nanoTime() - started;
      }
    }
  }

  @Override
  public BuildRecord enqueue(NewBuild build, String repository) {
    return timed(() -> store.enqueue(build, repository));
  }

  @Override
  public Optional<BuildRecord> get(long id) {
    return timed(() -> store.get(id));
  }

  @Override
  public Optional<BuildRecord> getByBuildId(String buildId) {
    return timed(() -> store.getByBuildId(buildId));
  }

  @Override
  public List<BuildRecord> recent(int limit) {
    return timed(() -> store.recent(limit));
  }

  @Override
  public List<BuildRecord> activeForChange(String gerritServer, int change) {
    return timed(() -> store.activeForChange(gerritServer, change));
  }

  @Override
  public List<BuildRecord> forPatchset(
      String gerritServer, int change, int patchset, BuildTrigger trigger) {
    return timed(() -> store.forPatchset(gerritServer, change, patchset, trigger));
  }

  @Override
  public List<BuildRecord> unfinished() {
    return timed(store::unfinished);
  }

  @Override
  public Optional<BuildRecord> succeededWithInputs(String inputsKey) {
    return timed(() -> store.succeededWithInputs(inputsKey));
  }

  @Override
  public boolean start(long id, Instant at) {
    boolean started = timed(() -> store.start(id, at));
    if (started) {
      long now = System.nanoTime();
      traces.byId(id).ifPresent(t -> t.storeStarted = now);
    }
    return started;
  }

  @Override
  public void requeue(long id) {
    timed(
        () -> {
          store.requeue(id);
          return null;
        });
  }

  @Override
  public boolean finish(
      long id, BuildState state, Instant at, Optional<String> logPath, String summary) {
    boolean finished = timed(() -> store.finish(id, state, at, logPath, summary));
    if (finished && state == BuildState.CANCELLED) {
      long now = System.nanoTime();
      traces
          .byId(id)
          .ifPresent(
              t -> {
                t.cancelledAt = now;
                t.cancelled = true;
              });
      traces.changed();
    }
    return finished;
  }

  @Override
  public boolean recordVote(long id, int value) {
    boolean recorded = timed(() -> store.recordVote(id, value));
    long now = System.nanoTime();
    traces.byId(id).ifPresent(t -> t.voted = now);
    traces.changed();
    return recorded;
  }

  @Override
  public Optional<Instant> lastEventTime(String gerritServer) {
    return timed(() -> store.lastEventTime(gerritServer));
  }

  @Override
  public void advanceLastEventTime(String gerritServer, Instant createdOn) {
    timed(
        () -> {
          store.advanceLastEventTime(gerritServer, createdOn);
          return null;
        });
  }

  @Override
  public void close() {
    store.close();
  }
}
