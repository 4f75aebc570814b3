package org.perestroika.worker.deb;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.service.PackageBuilder;
import org.perestroika.worker.BuildOutput;
import org.perestroika.worker.chroot.ChrootSnapshot;
import org.perestroika.worker.chroot.ChrootStore;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerRuntime;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.image.ToolImage;

/**
 * Builds a Debian source package with sbuild in a short-lived container: the chroot snapshot is
 * mounted read-only, schroot layers an overlay on tmpfs over it, and the container is removed
 * afterwards whatever happened. Artifacts and the log land in the request's output directory.
 */
public final class SbuildBuilder implements PackageBuilder {
  static final String CHROOT_MOUNT = "/srv/chroot";
  static final String BUILD_MOUNT = "/build";
  static final String OVERLAY = "/var/lib/schroot/union/overlay";
  private static final Pattern PHASE_TIME = Pattern.compile("^(Install|Build)-Time: (\\d+)$");
  private static final Pattern CLOSING_SECTION =
      Pattern.compile("^\\| (Post Build|Cleanup|Summary)\\s+\\|$");
  private static final int EXCERPT_LINES = 30;

  private final ContainerRuntime containers;
  private final ChrootStore chroots;
  private final CommandRunner runner;
  private final Clock clock;

  public SbuildBuilder(
      ContainerRuntime containers, ChrootStore chroots, CommandRunner runner, Clock clock) {
    this.containers = containers;
    this.chroots = chroots;
    this.runner = runner;
    this.clock = clock;
  }

  /** The chroot snapshot builds of this dist start on now, such as bookworm/20261121T204916Z. */
  @Override
  public String environmentId(Dist dist) {
    return chroots.require(dist.name()).label();
  }

  /**
   * Runs the build, streaming each log line to {@code output} as it comes. Input and environment
   * problems are exceptions thrown before any container starts; how the build went is the result.
   */
  @Override
  public BuildResult build(BuildRequest request, Consumer<String> output)
      throws InterruptedException {
    Instant start = clock.instant();
    SourcePackage source = SourcePackage.inspect(request.source());
    Optional<byte[]> changelog = request.commits().map(source::changelogWith);
    ChrootSnapshot chroot = chroots.require(request.dist().name());
    Path out = BuildOutput.prepare(request.outDir());
    String jobArgument = stage(source, out);
    if (changelog.isPresent()) {
      // Before sbuild runs dpkg-source, so the lines reach the .dsc and the .changes' Changes.
      writeChangelog(out.resolve(source.stagedTree()), changelog.get());
    }

    Path log = out.resolve(source.logFileName());
    Map<String, Duration> phases = new HashMap<>();
    // sbuild's closing sections (Post Build, Cleanup, Summary) follow the lines that explain a
    // failure, so the excerpt is what came just before the first of them.
    ArrayDeque<String> recent = new ArrayDeque<>();
    List<String> beforeSummary = new ArrayList<>();
    ContainerExit exit;
    BuildStatus status;
    try (BufferedWriter logFile = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      Consumer<String> sink =
          line -> {
            output.accept(line);
            BuildOutput.appendLine(logFile, line);
            if (CLOSING_SECTION.matcher(line).matches() && beforeSummary.isEmpty()) {
              beforeSummary.addAll(recent);
              // Drop the section box's top border and the blank lines above it.
              while (!beforeSummary.isEmpty()
                  && (beforeSummary.get(beforeSummary.size() - 1).isBlank()
                      || beforeSummary.get(beforeSummary.size() - 1).startsWith("+---"))) {
                beforeSummary.remove(beforeSummary.size() - 1);
              }
            }
            recent.addLast(line);
            if (recent.size() > EXCERPT_LINES) {
              recent.removeFirst();
            }
            Matcher phase = PHASE_TIME.matcher(line);
            if (phase.matches()) {
              phases.put(phase.group(1), Duration.ofSeconds(Long.parseLong(phase.group(2))));
            }
          };
      Duration container;
      try {
        Instant created = clock.instant();
        exit =
            containers.run(
                containerSpec(request, chroot, source, jobArgument),
                request.limits().timeout(),
                sink);
        container = Duration.between(created, clock.instant());
        status =
            exit.timedOut()
                ? BuildStatus.TIMED_OUT
                : exit.succeeded() && findChanges(out).isPresent()
                    ? BuildStatus.SUCCEEDED
                    : BuildStatus.FAILED;
      } catch (InterruptedException e) {
        BuildOutput.appendLine(logFile, "perestroika: build cancelled");
        throw e;
      }
      BuildResult.Timings timings =
          new BuildResult.Timings(
              Optional.ofNullable(phases.get("Install")),
              Optional.ofNullable(phases.get("Build")),
              Duration.between(start, clock.instant()));
      List<String> excerpt =
          status == BuildStatus.SUCCEEDED
              ? List.of()
              : List.copyOf(beforeSummary.isEmpty() ? recent : beforeSummary);
      BuildOutput.summary(
              request, status, "sbuild exited with " + exit.exitCode(), timings, container, log)
          .forEach(sink);
      if (source.stagedTree() != null) {
        runner.check(Command.of("rm", "-rf", out.resolve(source.stagedTree()).toString()));
      }
      Optional<Path> changes =
          status == BuildStatus.SUCCEEDED ? findChanges(out) : Optional.empty();
      return new BuildResult(
          request.buildId(), status, changes, artifacts(changes), log, excerpt, timings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the build log " + log, e);
    }
  }

  /** The container of one build; package-private so tests can assert it exactly. */
  static ContainerSpec containerSpec(
      BuildRequest request, ChrootSnapshot chroot, SourcePackage source, String jobArgument) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "sbuild",
                "--dist=" + request.dist().name(),
                "--chroot=perestroika",
                "--build-dir=" + BUILD_MOUNT,
                "--arch-all",
                "--source",
                // dpkg-genchanges leaves the orig tarball out when the previous changelog entry
                // has the same upstream version; a repository that never saw that upstream (a
                // change's new review repository) then cannot take the upload. With it always in
                // the .changes, any build publishes anywhere: reprepro accepts an orig it holds.
                // sbuild passes it on as -sa to dpkg-buildpackage and its own dpkg-genchanges.
                "--force-orig-source",
                "--no-run-lintian",
                "--no-run-piuparts",
                "--no-run-autopkgtest",
                // The snapshot is the build's input: its package lists are not refreshed per
                // build, so two builds on one snapshot see the same archive.
                "--no-apt-update",
                "--no-apt-distupgrade",
                "--nolog"));
    String workingDir = BUILD_MOUNT;
    if (source.stagedTree() != null) {
      // The staged tree is a private copy: sbuild may build its source package in place.
      command.add("--no-clean-source");
      workingDir = BUILD_MOUNT + "/" + source.stagedTree();
    } else {
      command.add(jobArgument);
    }
    Map<String, String> labels = new HashMap<>(Ownership.labels(request.buildId()));
    labels.put(ChrootStore.CHROOT_LABEL, chroot.label());
    return new ContainerSpec(
        ToolImage.SBUILD.reference(),
        command,
        workingDir,
        labels,
        List.of(
            new BindMount(chroot.directory(), CHROOT_MOUNT, true),
            new BindMount(request.outDir().toAbsolutePath(), BUILD_MOUNT, false)),
        Map.of(
            OVERLAY,
            "rw,size=" + request.limits().tmpfsBytes() + ",mode=0755",
            "/var/lib/schroot/session",
            "rw,size=16m",
            "/var/lib/schroot/mount",
            "rw,size=16m",
            "/var/lib/schroot/union/underlay",
            "rw,size=16m"),
        // sbuild fetches build dependencies from the chroot's mirror during the build.
        ContainerSpec.Network.HOST,
        request.limits().memoryBytes(),
        request.limits().pids(),
        true);
  }

  /** Copies the source into the output directory; returns the argument sbuild is given. */
  private String stage(SourcePackage source, Path out) {
    for (Path file : source.companions()) {
      runner.check(Command.of("cp", "--", file.toString(), out.toString()));
    }
    if (source.stagedTree() != null) {
      runner.check(
          Command.of(
              "cp",
              "-a",
              "-H", // a tree given as a symlink is copied as the tree it points to
              "--",
              source.path().toString(),
              out.resolve(source.stagedTree()).toString()));
      return source.stagedTree();
    }
    runner.check(Command.of("cp", "--", source.path().toString(), out.toString()));
    return BUILD_MOUNT + "/" + source.path().getFileName();
  }

  /** Replaces the staged copy's changelog; a link there is replaced, never written through. */
  private static void writeChangelog(Path stagedTree, byte[] changelog) {
    Path file = stagedTree.resolve("debian/changelog");
    try {
      Files.delete(file);
      Files.write(file, changelog);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Path> findChanges(Path out) {
    try (Stream<Path> entries = Files.list(out)) {
      return entries
          .filter(p -> p.getFileName().toString().endsWith(".changes"))
          .filter(p -> !p.getFileName().toString().endsWith("_source.changes"))
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Artifact> artifacts(Optional<Path> changes) {
    if (changes.isEmpty()) {
      return List.of();
    }
    Path dir = changes.get().getParent();
    ChangesFile parsed = ChangesFile.read(changes.get());
    return parsed.files().stream()
        .map(f -> new Artifact(dir.resolve(f.name()), f.sha256(), f.size()))
        .toList();
  }
}
