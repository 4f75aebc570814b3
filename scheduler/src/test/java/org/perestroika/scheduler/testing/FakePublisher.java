package org.perestroika.scheduler.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.service.PackagePublisher;
import org.perestroika.core.service.PublishOutcome;
import org.perestroika.core.service.RepositoryRef;

/** Accepts every publish and records publishes and removals. */
public final class FakePublisher implements PackagePublisher {
  public static final String MIRROR_URL = "http://mirror.example/acme";

  /** One publish as asked. */
  public record Publish(Path output, Dist dist, RepositoryRef repository, PublishTarget target) {}

  private final List<Publish> published = new ArrayList<>();
  private final List<RepositoryRef> removed = new ArrayList<>();

  /** The line a client puts in sources.list for that repository and suite. */
  public static String sourcesListLine(RepositoryRef repository, PublishTarget target) {
    String path = repository.isMirror() ? "" : "/" + repository.path();
    return "deb " + MIRROR_URL + path + "/" + target.release() + " " + target.codename() + " main";
  }

  public synchronized List<Publish> published() {
    return List.copyOf(published);
  }

  public synchronized List<RepositoryRef> removed() {
    return List.copyOf(removed);
  }

  @Override
  public synchronized PublishOutcome publish(
      Path output, Dist dist, RepositoryRef repository, PublishTarget target) {
    published.add(new Publish(output, dist, repository, target));
    return new PublishOutcome(true, List.of(), sourcesListLine(repository, target));
  }

  @Override
  public synchronized void remove(RepositoryRef repository) {
    removed.add(repository);
  }
}
