package org.perestroika.bench.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.service.PackageBuilder;

/**
 * A builder whose builds take a fixed time, as a sleep that a cancellation interrupts, and leave a
 * .changes file in the output directory. Stamps the traces when a build starts and ends.
 */
final class BurstBuilder implements PackageBuilder {
  static final String ENVIRONMENT = "bookworm-20260101T000000Z";

  private final Traces traces;
  private final Duration buildTime;

  BurstBuilder(Traces traces, Duration buildTime) {
    this.traces = traces;
    this.buildTime = buildTime;
  }

  @Override
  public BuildResult build(BuildRequest request, Consumer<String> log) throws InterruptedException {
    long started = System.nanoTime();
    Optional<Trace> trace = traces.byBuildId(request.buildId());
    trace.ifPresent(t -> t.builderStarted = started);
    try {
      log.accept("building " + request.buildId() + " for " + request.dist().name());
      Thread.sleep(buildTime.toMillis());
    } catch (InterruptedException e) {
      trace.ifPresent(
          t -> {
            t.interrupted = true;
            t.builderEnded = System.nanoTime();
          });
      throw e;
    }
    Path changes = request.outDir().resolve(request.buildId() + "_1.0-1_amd64.changes");
    try {
      Files.createDirectories(request.outDir());
      Files.writeString(
          changes, "Format: 1.8\nSource: " + request.buildId() + "\nVersion: 1.0-1\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long ended = System.nanoTime();
    trace.ifPresent(
        t -> {
          t.ranToEnd = true;
          t.builderEnded = ended;
        });
    return new BuildResult(
        request.buildId(),
        BuildStatus.SUCCEEDED,
        Optional.of(changes),
        List.of(),
        request.outDir().resolve("build.log"),
        List.of(),
        new BuildResult.Timings(
            Optional.empty(), Optional.empty(), Duration.ofNanos(ended - started)));
  }

  @Override
  public String environmentId(Dist dist) {
    return ENVIRONMENT;
  }
}
