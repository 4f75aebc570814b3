package org.perestroika.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;

/**
 * The whole configuration of a Perestroika host, as read from YAML by {@link ConfigLoader}.
 *
 * @param stateDir where chroots, images' scratch space, builds, keys and repositories live
 * @param dockerHost the Docker engine's address
 * @param imageDist the dist whose base image the tool images start from
 * @param dists build targets by name
 * @param limits default limits of each build
 * @param publisher how repositories are laid out and signed
 * @param scheduler the scheduler's settings, when this host runs one
 */
public record PerestroikaConfig(
    Path stateDir,
    URI dockerHost,
    String imageDist,
    Map<String, Dist> dists,
    BuildLimits limits,
    Publisher publisher,
    Optional<SchedulerConfig> scheduler) {

  public PerestroikaConfig {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(dockerHost, "dockerHost");
    dists = Map.copyOf(dists);
    if (!dists.containsKey(imageDist)) {
      throw new IllegalArgumentException("image-dist " + imageDist + " is not among the dists");
    }
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(publisher, "publisher");
    Objects.requireNonNull(scheduler, "scheduler");
  }

  /** The same configuration with another repository root, when one is given. */
  public PerestroikaConfig withRepoRoot(Path repoRoot) {
    if (repoRoot == null) {
      return this;
    }
    Publisher moved =
        new Publisher(
            Optional.of(repoRoot),
            publisher.signingKey(),
            publisher.baseUrl(),
            publisher.origin(),
            publisher.architectures(),
            publisher.keepSnapshots(),
            publisher.progression(),
            publisher.gaReleases(),
            publisher.uploadersKeyring());
    return new PerestroikaConfig(stateDir, dockerHost, imageDist, dists, limits, moved, scheduler);
  }

  /** The dist of that name, or an error that lists the names configured. */
  public Dist dist(String name) {
    Dist dist = dists.get(name);
    if (dist == null) {
      throw new IllegalArgumentException(
          "unknown dist '"
              + name
              + "': configured dists are "
              + String.join(", ", dists.keySet().stream().sorted().toList())
              + " (add others under `dists:` in the configuration file)");
    }
    return dist;
  }

  public Path chrootDir() {
    return stateDir.resolve("chroots");
  }

  public Path buildsDir() {
    return stateDir.resolve("builds");
  }

  public Path scratchDir() {
    return stateDir.resolve("tmp");
  }

  public Path gnupgHome() {
    return stateDir.resolve("gnupg");
  }

  /** Where the base distros' package indices are cached, one directory per dist. */
  public Path upstreamDir() {
    return stateDir.resolve("upstream");
  }

  /** The root of every repository: the mirror's OS families and the test repositories. */
  public Path repositoryRoot() {
    return publisher.repoRoot().orElse(stateDir.resolve("repos"));
  }

  /**
   * Repository settings.
   *
   * @param repoRoot parent of the per-family repositories (default {@code <state>/repos})
   * @param signingKey the key id to sign with; empty generates one on first use
   * @param baseUrl where clients reach the repository root (http://...); empty: file: URLs
   * @param origin the Origin and Label written to Release files
   * @param architectures binary architectures the repositories carry
   * @param keepSnapshots how many earlier repository states to keep for readers mid-download
   * @param progression the order of releases along which no version may go down
   * @param gaReleases releases past GA, whose base suite takes no more packages
   * @param uploadersKeyring the public keys whose clearsigned uploads `perestroika publish` takes;
   *     empty takes unsigned uploads, as from this host's own builds
   */
  public record Publisher(
      Optional<Path> repoRoot,
      Optional<String> signingKey,
      Optional<String> baseUrl,
      String origin,
      List<String> architectures,
      int keepSnapshots,
      ReleaseProgression progression,
      Set<Release> gaReleases,
      Optional<Path> uploadersKeyring) {
    public Publisher {
      Objects.requireNonNull(repoRoot, "repoRoot");
      Objects.requireNonNull(signingKey, "signingKey");
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(origin, "origin");
      architectures = List.copyOf(architectures);
      Objects.requireNonNull(progression, "progression");
      gaReleases = Set.copyOf(gaReleases);
      Objects.requireNonNull(uploadersKeyring, "uploadersKeyring");
    }
  }
}
