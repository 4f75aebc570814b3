package org.perestroika.core.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a build as a value: status, artifacts (a deb build's .changes names them and is
 * kept apart; an rpm build has none, its artifacts are the binary RPMs and the SRPM), the saved
 * log, and where the time went.
 */
public record BuildResult(
    String buildId,
    BuildStatus status,
    Optional<Path> changesFile,
    List<Artifact> artifacts,
    Path log,
    List<String> failureExcerpt,
    Timings timings) {

  public BuildResult {
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(changesFile, "changesFile");
    artifacts = List.copyOf(artifacts);
    Objects.requireNonNull(log, "log");
    failureExcerpt = List.copyOf(failureExcerpt);
    Objects.requireNonNull(timings, "timings");
    if (status == BuildStatus.SUCCEEDED && changesFile.isEmpty() && artifacts.isEmpty()) {
      throw new IllegalArgumentException(
          "a successful build must name what it produced: its .changes file or its artifacts");
    }
  }

  public boolean succeeded() {
    return status == BuildStatus.SUCCEEDED;
  }

  /**
   * Where the time went: the builder's own dependency install and build phases (as sbuild reports
   * them, empty when it did not get that far) and the wall time of the whole build.
   */
  public record Timings(Optional<Duration> install, Optional<Duration> build, Duration total) {
    public Timings {
      Objects.requireNonNull(install, "install");
      Objects.requireNonNull(build, "build");
      Objects.requireNonNull(total, "total");
    }
  }
}
