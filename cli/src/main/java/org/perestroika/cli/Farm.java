package org.perestroika.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.perestroika.core.config.PerestroikaConfig;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.core.service.PackageBuilder;
import org.perestroika.publisher.RepositoryPublisher;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.upstream.BaseDistroIndex;
import org.perestroika.publisher.upstream.ParsedIndexCache;
import org.perestroika.publisher.yum.YumPolicy;
import org.perestroika.publisher.yum.YumRepository;
import org.perestroika.worker.chroot.ChrootStore;
import org.perestroika.worker.container.ContainerRuntime;
import org.perestroika.worker.container.docker.DockerContainerRuntime;
import org.perestroika.worker.deb.SbuildBuilder;
import org.perestroika.worker.image.ImageStore;
import org.perestroika.worker.rpm.RpmBuilder;

/** The object graph of one host, wired by hand from the configuration, each part made on use. */
final class Farm implements AutoCloseable {
  final PerestroikaConfig config;
  final CommandRunner runner = new ProcessCommandRunner();
  final Clock clock = Clock.systemUTC();
  // A scheduler publishes many times: what it read of unchanged base distro indices is kept.
  private final ParsedIndexCache parsedIndices = new ParsedIndexCache();
  private DockerContainerRuntime containers;

  Farm(PerestroikaConfig config) {
    this.config = config;
  }

  synchronized ContainerRuntime containers() {
    if (containers == null) {
      containers = new DockerContainerRuntime(config.dockerHost());
    }
    return containers;
  }

  ChrootStore chroots() {
    return new ChrootStore(config.chrootDir(), runner, containers(), clock);
  }

  ImageStore images() {
    return new ImageStore(containers(), runner, config.scratchDir());
  }

  SbuildBuilder sbuild() {
    return new SbuildBuilder(containers(), chroots(), runner, clock);
  }

  RpmBuilder rpmbuild() {
    return new RpmBuilder(containers(), runner, clock);
  }

  /** The builder of a dist's package format: sbuild for deb, rpmbuild for rpm. */
  PackageBuilder builder(Dist dist) {
    return dist.format() == PackageFormat.RPM ? rpmbuild() : sbuild();
  }

  /** One builder for every dist: sbuild for deb dists, rpmbuild for rpm dists. */
  PackageBuilder anyFormat() {
    SbuildBuilder deb = sbuild();
    RpmBuilder rpm = rpmbuild();
    return new PackageBuilder() {
      @Override
      public BuildResult build(BuildRequest request, Consumer<String> log)
          throws InterruptedException {
        return of(request.dist()).build(request, log);
      }

      @Override
      public String environmentId(Dist dist) {
        return of(dist).environmentId(dist);
      }

      private PackageBuilder of(Dist dist) {
        return dist.format() == PackageFormat.RPM ? rpm : deb;
      }
    };
  }

  /**
   * Every repository this host publishes, apt and yum, signed with the publisher's key, under the
   * version policy of the configured progression and GA releases. Packages built for a deb dist are
   * checked against that dist's base distro index, read from its mirror on each publish.
   */
  RepositoryPublisher publisher() {
    return publisher(config.publisher().baseUrl());
  }

  /** The same, with clients reaching the repository root at {@code baseUrl}. */
  RepositoryPublisher publisher(Optional<String> baseUrl) {
    PerestroikaConfig.Publisher settings = config.publisher();
    List<String> architectures = new ArrayList<>(settings.architectures());
    architectures.add("source");
    GpgKeyring keyring = GpgKeyring.open(runner, config.gnupgHome(), settings.signingKey());
    return new RepositoryPublisher(
        config.repositoryRoot(),
        baseUrl,
        root ->
            AptRepositoryConfig.defaults(root)
                .withOriginAndLabel(settings.origin(), settings.origin())
                .withArchitectures(architectures)
                .withKeepSnapshots(settings.keepSnapshots())
                .withUploadersKeyring(settings.uploadersKeyring()),
        runner,
        keyring,
        dist -> new VersionPolicy(settings.progression(), settings.gaReleases(), baseDistro(dist)),
        root ->
            new YumRepository(
                root,
                runner,
                keyring,
                new YumPolicy(settings.progression(), settings.gaReleases()),
                settings.keepSnapshots(),
                AptRepositoryConfig.defaults(root).lockTimeout()));
  }

  /** The base distribution's signed package index, as the dist's mirror serves it, cached. */
  BaseDistroIndex baseDistro(Dist dist) {
    return BaseDistroIndex.of(
        dist, config.publisher().architectures(), config.upstreamDir(), runner, parsedIndices);
  }

  @Override
  public synchronized void close() {
    if (containers != null) {
      containers.close();
    }
  }
}
