package org.perestroika.bench.scheduler;

import java.nio.file.Path;
import java.util.List;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.service.PackagePublisher;
import org.perestroika.core.service.PublishOutcome;
import org.perestroika.core.service.RepositoryRef;

/** Accepts every publish and stamps the trace of the build (named by its builds/ directory). */
final class BurstPublisher implements PackagePublisher {
  private final Traces traces;

  BurstPublisher(Traces traces) {
    this.traces = traces;
  }

  @Override
  public PublishOutcome publish(
      Path output, Dist dist, RepositoryRef repository, PublishTarget target) {
    long now = System.nanoTime();
    // <builds>/<build id>/out
    String buildId = output.getParent().getFileName().toString();
    traces.byBuildId(buildId).ifPresent(t -> t.published = now);
    return new PublishOutcome(
        true,
        List.of(),
        "deb http://localhost/" + repository.path() + " " + target.codename() + " main");
  }

  @Override
  public void remove(RepositoryRef repository) {}
}
