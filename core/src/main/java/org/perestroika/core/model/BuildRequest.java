package org.perestroika.core.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One build to run: a source (a .dsc or an unpacked tree with debian/), the dist to build for, the
 * limits, and the directory the artifacts and log go to.
 */
public record BuildRequest(
    String buildId, Path source, Dist dist, BuildLimits limits, Path outDir) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public BuildRequest {
    if (buildId == null || !ID.matcher(buildId).matches()) {
      throw new IllegalArgumentException("build id '" + buildId + "' must be [A-Za-z0-9_.-]");
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(outDir, "outDir");
  }
}
