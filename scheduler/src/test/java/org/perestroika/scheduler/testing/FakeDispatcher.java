package org.perestroika.scheduler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.scheduler.dispatch.DispatchRequest;
import org.perestroika.scheduler.dispatch.Dispatcher;

/**
 * A dispatcher whose builds end when the test says: each run blocks until {@link #succeed} or
 * {@link #fail} is called for its build id (before or after it started), and ends by throwing
 * {@link InterruptedException} when its thread is interrupted first.
 */
public final class FakeDispatcher implements Dispatcher {
  private final int slots;
  private final Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
  private final List<DispatchRequest> requests = new ArrayList<>();
  private final List<String> interrupted = new ArrayList<>();

  private record Outcome(boolean succeeded, List<String> logLines) {}

  public FakeDispatcher(int slots) {
    this.slots = slots;
  }

  /** The build ends well, with a .changes file in its output directory. */
  public void succeed(String buildId) {
    outcome(buildId).complete(new Outcome(true, List.of("dpkg-buildpackage: info: binary build")));
  }

  /** The build fails after writing these lines to its log. */
  public void fail(String buildId, String... logLines) {
    outcome(buildId).complete(new Outcome(false, List.of(logLines)));
  }

  /** Every request handed over so far, in order. */
  public synchronized List<DispatchRequest> requests() {
    return List.copyOf(requests);
  }

  public synchronized List<DispatchRequest> requestsFor(String buildId) {
    return requests.stream().filter(r -> r.build().buildId().equals(buildId)).toList();
  }

  /** The builds whose run was interrupted while it waited for its outcome. */
  public synchronized List<String> interrupted() {
    return List.copyOf(interrupted);
  }

  @Override
  public BuildResult run(DispatchRequest request, Consumer<String> log)
      throws InterruptedException {
    String buildId = request.build().buildId();
    log.accept("fake dispatcher: building " + buildId);
    synchronized (this) {
      requests.add(request);
    }
    Outcome outcome;
    try {
      outcome = outcome(buildId).get();
    } catch (InterruptedException e) {
      synchronized (this) {
        interrupted.add(buildId);
      }
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
    outcome.logLines().forEach(log);
    Path buildLog = request.outDir().resolve("sbuild.log");
    BuildResult.Timings timings =
        new BuildResult.Timings(Optional.empty(), Optional.empty(), Duration.ofSeconds(42));
    try {
      Files.createDirectories(request.outDir());
      Files.write(buildLog, outcome.logLines());
      if (!outcome.succeeded()) {
        return new BuildResult(
            buildId,
            BuildStatus.FAILED,
            Optional.empty(),
            List.of(),
            buildLog,
            outcome.logLines(),
            timings);
      }
      Path changes = request.outDir().resolve("nova_1.0-1_amd64.changes");
      Files.writeString(changes, "Source: nova\nVersion: 1.0-1\nDistribution: bookworm\n");
      return new BuildResult(
          buildId,
          BuildStatus.SUCCEEDED,
          Optional.of(changes),
          List.of(),
          buildLog,
          List.of(),
          timings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public void close() {}

  private CompletableFuture<Outcome> outcome(String buildId) {
    return outcomes.computeIfAbsent(buildId, id -> new CompletableFuture<>());
  }
}
