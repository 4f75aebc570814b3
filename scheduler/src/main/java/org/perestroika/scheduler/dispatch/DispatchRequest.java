package org.perestroika.scheduler.dispatch;

import java.nio.file.Path;
import java.util.Objects;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.scheduler.queue.BuildRecord;

/**
 * One build handed to a dispatcher: the scheduled build (its inputs name the commits a remote
 * worker fetches), the source tree already assembled on this host (used by local dispatch), the
 * dist, the limits, the directory its artifacts and log must end up in, and the commits the source
 * was assembled from, which the build names in the changelog.
 */
public record DispatchRequest(
    BuildRecord build,
    Path source,
    Dist dist,
    BuildLimits limits,
    Path outDir,
    SourceCommits commits) {
  public DispatchRequest {
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(commits, "commits");
  }
}
