package org.perestroika.scheduler;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.gerrit.ChangeRef;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.service.PackagePublisher;
import org.perestroika.core.service.PublishOutcome;
import org.perestroika.core.service.RepositoryRef;
import org.perestroika.scheduler.dispatch.DispatchRequest;
import org.perestroika.scheduler.dispatch.Dispatcher;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.NewBuild;
import org.perestroika.scheduler.routing.Route;
import org.perestroika.scheduler.routing.Router;
import org.perestroika.scheduler.source.AssembledSource;
import org.perestroika.scheduler.source.SourceAssembler;
import org.perestroika.scheduler.source.SourceSpec;

/**
 * Runs one build from its source to its repository, logging each step to the build's own log in
 * {@code <builds>/<build id>/}: sources in {@code src/}, artifacts in {@code out/}.
 */
final class BuildExecutor {
  private static final int MAX_EXCERPT = 8000;

  private final Router router;
  private final BuildStore store;
  private final Map<String, SourceAssembler> sources;
  private final Dispatcher dispatcher;
  private final PackagePublisher publisher;
  private final Map<String, Dist> dists;
  private final BuildLimits limits;
  private final Path buildsDir;
  private final Clock clock;
  private final SchedulerListener listener;

  BuildExecutor(
      Router router,
      BuildStore store,
      Map<String, SourceAssembler> sources,
      Dispatcher dispatcher,
      PackagePublisher publisher,
      Map<String, Dist> dists,
      BuildLimits limits,
      Path buildsDir,
      Clock clock,
      SchedulerListener listener) {
    this.router = router;
    this.store = store;
    this.sources = Map.copyOf(sources);
    this.dispatcher = dispatcher;
    this.publisher = publisher;
    this.dists = Map.copyOf(dists);
    this.limits = limits;
    this.buildsDir = buildsDir;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Runs a started build to its end: reuses the artifacts of a build with the same inputs or
   * assembles the source and dispatches it, publishes what it built to the build's repository, and
   * records how it ended. A build cancelled meanwhile publishes nothing.
   */
  void execute(BuildRecord build) {
    NewBuild request = build.request();
    Path dir = buildsDir.resolve(build.buildId());
    Path logFile = dir.resolve("build.log");
    Instant started = clock.instant();
    // A build run again after a restart starts from nothing but its log.
    FileTrees.delete(dir.resolve("src"));
    FileTrees.delete(dir.resolve("out"));
    try (BufferedWriter writer = openLog(logFile)) {
      Consumer<String> line = text -> append(writer, text);
      Dist dist = dists.get(request.dist());
      PublishTarget target = routeOf(request).mergeTarget();
      Optional<BuildRecord> same = store.succeededWithInputs(request.inputsKey());
      Optional<Path> output;
      String failure = "the build failed";
      BuildState state;
      if (same.isPresent()
          && request.trigger() != BuildTrigger.MANUAL
          && !same.get().buildId().equals(build.buildId())) {
        line.accept(
            "perestroika: the same inputs built as "
                + same.get().buildId()
                + "; reusing its artifacts");
        output = artifactsIn(buildsDir.resolve(same.get().buildId()).resolve("out"));
        state = output.isPresent() ? BuildState.REUSED : BuildState.FAILED;
      } else {
        listener.buildDispatched(build, Duration.between(build.createdAt(), clock.instant()));
        line.accept(
            "perestroika: assembling " + request.packageName() + " from " + request.project());
        SourceSpec spec = specOf(build);
        AssembledSource source =
            sources.get(request.gerritServer()).assemble(spec, dist.format(), dir.resolve("src"));
        BuildResult result =
            dispatcher.run(
                new DispatchRequest(
                    build, source.tree(), dist, limits, dir.resolve("out"), spec.commits()),
                line);
        output = result.succeeded() ? Optional.of(dir.resolve("out")) : Optional.empty();
        state = result.succeeded() ? BuildState.SUCCEEDED : BuildState.FAILED;
        if (!result.succeeded()) {
          failure = explain(result);
        }
      }
      String summary;
      if (store.get(build.id()).map(b -> b.state() != BuildState.RUNNING).orElse(true)) {
        return; // Cancelled meanwhile: what it built must not reach a repository.
      }
      if (output.isPresent() && state != BuildState.FAILED) {
        PublishOutcome outcome =
            publisher.publish(output.get(), dist, new RepositoryRef(build.repository()), target);
        if (outcome.published()) {
          summary = "published to " + target + "; to install from it:\n" + outcome.clientSetup();
        } else {
          state = BuildState.FAILED;
          summary = "the repository refused it: " + String.join("; ", outcome.problems());
        }
      } else {
        summary = failure;
      }
      line.accept("perestroika: " + summary);
      if (store.finish(
          build.id(), state, clock.instant(), Optional.of(logFile.toString()), summary)) {
        listener.buildFinished(build, state, Duration.between(started, clock.instant()));
      }
    } catch (InterruptedException e) {
      // Cancelled: the canceller already recorded why.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What to assemble, with the change's own ref so a patch set not on any branch is fetched. */
  private SourceSpec specOf(BuildRecord build) {
    NewBuild request = build.request();
    Route route = routeOf(request);
    SourceSpec spec =
        route.specProject().isPresent()
            ? SourceSpec.split(
                route.codeProject(),
                request.codeCommit(),
                route.specProject().get(),
                request.specCommit().orElseThrow())
            : SourceSpec.combined(route.codeProject(), request.codeCommit());
    if (request.change().isEmpty() || request.trigger() == BuildTrigger.MERGE) {
      return spec;
    }
    String ref = ChangeRef.expectedRef(request.change().get(), request.patchset().orElseThrow());
    return request.project().equals(route.codeProject())
        ? spec.withCodeRef(ref)
        : spec.withSpecRef(ref);
  }

  private Route routeOf(NewBuild request) {
    return router
        .route(request.gerritServer(), request.project(), request.branch())
        .orElseThrow(() -> new IllegalStateException(request.project() + " is no longer routed"));
  }

  /** A finished build's output directory, when it still holds its packages. */
  private static Optional<Path> artifactsIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(BuildExecutor::isPackageFile) ? Optional.of(dir) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isPackageFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".changes") || name.endsWith(".rpm");
  }

  /** How a failed build ended, with the lines of its log that say why. */
  private static String explain(BuildResult result) {
    String excerpt =
        result.failureExcerpt().stream().map(l -> "  " + l).collect(Collectors.joining("\n"));
    // The summary is stored and posted in full; a runaway line must not make it unbounded.
    if (excerpt.length() > MAX_EXCERPT) {
      excerpt = "  ..." + excerpt.substring(excerpt.length() - MAX_EXCERPT);
    }
    return "the build " + result.status().word() + "; from its log:\n" + excerpt;
  }

  private static BufferedWriter openLog(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.newBufferedWriter(
        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static void append(BufferedWriter writer, String line) {
    try {
      writer.write(line);
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
