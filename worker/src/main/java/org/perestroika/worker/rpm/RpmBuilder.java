package org.perestroika.worker.rpm;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.file.Sha256;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.service.PackageBuilder;
import org.perestroika.worker.BuildOutput;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerRuntime;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.image.ImageStore;
import org.perestroika.worker.image.ToolImage;

/**
 * Builds an RPM package with rpmbuild in a short-lived container of the rpmbuild tool image: the
 * image's root file system is read-only, rpmbuild's whole _topdir is a tmpfs of the build's size,
 * there is no network, and the container is removed afterwards whatever happened. The binary RPMs,
 * the SRPM and the log land in the request's output directory.
 */
public final class RpmBuilder implements PackageBuilder {
  static final String BUILD_MOUNT = "/build";
  static final String TOPDIR = "/rpmbuild";
  private static final Pattern FAMILY_RELEASE = Pattern.compile(".*?([0-9]+)$");
  private static final int EXCERPT_LINES = 30;

  private final ContainerRuntime containers;
  private final CommandRunner runner;
  private final Clock clock;

  public RpmBuilder(ContainerRuntime containers, CommandRunner runner, Clock clock) {
    this.containers = containers;
    this.runner = runner;
    this.clock = clock;
  }

  /** The rpmbuild image builds run in now, named by the digest of its build context. */
  @Override
  public String environmentId(Dist dist) {
    String digest =
        containers
            .imageLabels(ToolImage.RPMBUILD.reference())
            .map(labels -> labels.get(ImageStore.CONTEXT_LABEL))
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        "no image "
                            + ToolImage.RPMBUILD.reference()
                            + " to build RPMs in: run `perestroika setup`",
                        false));
    return "rpmbuild/" + digest.substring(0, Math.min(12, digest.length()));
  }

  /**
   * The dist tag rpmbuild defines for a dist, as the target's own rpm does: {@code .el7} for the
   * family centos-7.
   */
  static String distTag(Dist dist) {
    Matcher release = FAMILY_RELEASE.matcher(dist.family());
    if (dist.format() != PackageFormat.RPM || !release.matches()) {
      throw new IllegalArgumentException(
          "dist "
              + dist.name()
              + " is not an RPM dist with a release in its family (such as centos-7): build it"
              + " with its own builder");
    }
    return ".el" + release.group(1);
  }

  @Override
  public BuildResult build(BuildRequest request, Consumer<String> output)
      throws InterruptedException {
    Instant start = clock.instant();
    String distTag = distTag(request.dist());
    RpmSource source = RpmSource.inspect(request.source());
    Optional<String> spec = request.commits().map(source::specWith);
    environmentId(request.dist());
    Path out = BuildOutput.prepare(request.outDir());
    String staged = stage(source, out);
    if (spec.isPresent()) {
      write(out.resolve(staged).resolve(source.spec()), spec.get());
    }

    Path log = out.resolve(source.logFileName());
    ArrayDeque<String> recent = new ArrayDeque<>();
    BuildStatus status;
    ContainerExit exit;
    try (BufferedWriter logFile = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      Consumer<String> sink =
          line -> {
            output.accept(line);
            BuildOutput.appendLine(logFile, line);
            recent.addLast(line);
            if (recent.size() > EXCERPT_LINES) {
              recent.removeFirst();
            }
          };
      Duration container;
      try {
        Instant created = clock.instant();
        exit =
            containers.run(
                containerSpec(request, source, staged, distTag), request.limits().timeout(), sink);
        container = Duration.between(created, clock.instant());
      } catch (InterruptedException e) {
        BuildOutput.appendLine(logFile, "perestroika: build cancelled");
        throw e;
      }
      if (!source.isSrpm()) {
        runner.check(Command.of("rm", "-rf", out.resolve(staged).toString()));
      }
      List<Path> packages = packages(out);
      boolean complete =
          packages.stream().anyMatch(RpmBuilder::isSrpm)
              && packages.stream().anyMatch(p -> !isSrpm(p));
      status =
          exit.timedOut()
              ? BuildStatus.TIMED_OUT
              : exit.succeeded() && complete ? BuildStatus.SUCCEEDED : BuildStatus.FAILED;
      BuildResult.Timings timings =
          new BuildResult.Timings(
              Optional.empty(), Optional.empty(), Duration.between(start, clock.instant()));
      List<String> excerpt = status == BuildStatus.SUCCEEDED ? List.of() : List.copyOf(recent);
      BuildOutput.summary(
              request,
              status,
              "rpmbuild exited with "
                  + exit.exitCode()
                  + (exit.succeeded() ? " but left no binary RPM and SRPM" : ""),
              timings,
              container,
              log)
          .forEach(sink);
      List<Artifact> artifacts = status == BuildStatus.SUCCEEDED ? artifacts(packages) : List.of();
      return new BuildResult(
          request.buildId(), status, Optional.empty(), artifacts, log, excerpt, timings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the build log " + log, e);
    }
  }

  /** The container of one build; package-private so tests can assert it exactly. */
  static ContainerSpec containerSpec(
      BuildRequest request, RpmSource source, String staged, String distTag) {
    String defines = "--define '_topdir " + TOPDIR + "' --define 'dist " + distTag + "'";
    String build =
        source.isSrpm()
            ? "rpmbuild --rebuild " + defines + " " + BUILD_MOUNT + "/" + staged
            : "cp -a "
                + BUILD_MOUNT
                + "/"
                + staged
                + "/. "
                + TOPDIR
                + "/SOURCES/ && rpmbuild -ba "
                + defines
                + " "
                + TOPDIR
                + "/SOURCES/"
                + source.spec();
    // A .src.rpm is its own source package: only the binaries are copied out beside it.
    String collect =
        "find "
            + TOPDIR
            + "/RPMS "
            + (source.isSrpm() ? "" : TOPDIR + "/SRPMS ")
            + "-name '*.rpm' -exec cp -v -t "
            + BUILD_MOUNT
            + " {} +";
    String script = "set -e; mkdir -p " + TOPDIR + "/SOURCES; " + build + "; " + collect;
    return new ContainerSpec(
        ToolImage.RPMBUILD.reference(),
        List.of("sh", "-c", script),
        BUILD_MOUNT,
        Ownership.labels(request.buildId()),
        List.of(new BindMount(request.outDir().toAbsolutePath(), BUILD_MOUNT, false)),
        Map.of(
            TOPDIR,
            "rw,exec,size=" + request.limits().tmpfsBytes() + ",mode=0755",
            "/tmp",
            "rw,exec,size=" + request.limits().tmpfsBytes() + ",mode=1777",
            "/var/tmp",
            "rw,exec,size=" + request.limits().tmpfsBytes() + ",mode=1777"),
        // RPM builds take their build dependencies from the image: nothing is fetched.
        ContainerSpec.Network.NONE,
        request.limits().memoryBytes(),
        request.limits().pids(),
        false,
        true);
  }

  /** Copies the source into the output directory; returns its name there. */
  private String stage(RpmSource source, Path out) {
    if (source.isSrpm()) {
      runner.check(Command.of("cp", "--", source.path().toString(), out.toString()));
      return source.path().getFileName().toString();
    }
    String staged = source.name() + "-source";
    runner.check(
        Command.of(
            "cp",
            "-a",
            "-H", // a directory given as a symlink is copied as the directory it points to
            "--",
            source.path().toString(),
            out.resolve(staged).toString()));
    return staged;
  }

  private static List<Path> packages(Path out) {
    try (Stream<Path> entries = Files.list(out)) {
      return entries.filter(p -> p.getFileName().toString().endsWith(".rpm")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isSrpm(Path file) {
    return file.getFileName().toString().endsWith(".src.rpm");
  }

  /** The binary RPMs, then the SRPM. */
  private static List<Artifact> artifacts(List<Path> packages) {
    List<Artifact> artifacts = new ArrayList<>();
    for (boolean source : List.of(false, true)) {
      for (Path file : packages) {
        if (isSrpm(file) == source) {
          try {
            artifacts.add(new Artifact(file, Sha256.of(file), Files.size(file)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
    return artifacts;
  }

  /** Replaces the staged copy's spec; a link there is replaced, never written through. */
  private static void write(Path file, String text) {
    try {
      Files.delete(file);
      Files.writeString(file, text, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
