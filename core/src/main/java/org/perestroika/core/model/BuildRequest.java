package org.perestroika.core.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One build to run: a source (a .dsc or an unpacked tree with debian/), the dist to build for, the
 * limits, the directory the artifacts and log go to, and the commits the source comes from.
 *
 * @param commits the commits a tree was made from, which the build writes into the top changelog
 *     entry; empty for a .dsc, which is built as it is
 */
public record BuildRequest(
    String buildId,
    Path source,
    Dist dist,
    BuildLimits limits,
    Path outDir,
    Optional<SourceCommits> commits) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public BuildRequest {
    if (buildId == null || !ID.matcher(buildId).matches()) {
      throw new IllegalArgumentException("build id '" + buildId + "' must be [A-Za-z0-9_.-]");
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(commits, "commits");
  }
}
