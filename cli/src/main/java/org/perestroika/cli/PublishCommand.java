package org.perestroika.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;
import org.perestroika.core.service.RepositoryRef;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.RepositoryPublisher;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.yum.YumRepository;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Publishes a build's .changes to a signed apt repository, or an RPM build's packages to a signed
 * yum repository, under the version policy.
 */
@CommandLine.Command(
    name = "publish",
    description =
        "Publish built packages (a .changes, or a directory holding one; for an RPM dist the"
            + " build's output directory) to a suite; several are published together, all or"
            + " none.")
final class PublishCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      paramLabel = "DIR",
      arity = "1..*",
      description = "a build's output directory or its .changes file, one per source package")
  List<Path> inputs;

  @Option(names = "--release", required = true, description = "release, such as mos10.0")
  String release;

  @Option(
      names = "--suite",
      defaultValue = "proposed",
      description =
          "base, proposed, updates, security, holdback or hotfix (default: ${DEFAULT-VALUE})")
  String suite;

  @Option(names = "--repo-root", description = "mirror root holding one repository per OS family")
  Path repoRoot;

  @Option(
      names = "--dist",
      description =
          "the dist the packages were built for; picks the OS family (default: the image dist)")
  String dist;

  @Override
  public Integer call() {
    PublishTarget target = new PublishTarget(new Release(release), Suite.parse(suite));
    try (Farm farm = new Farm(main.config().withRepoRoot(repoRoot))) {
      Dist built = farm.config.dist(dist == null ? farm.config.imageDist() : dist);
      if (built.format() == PackageFormat.RPM) {
        if (inputs.size() != 1) {
          throw new IllegalArgumentException(
              "an RPM dist takes one build output directory at a time, got " + inputs.size());
        }
        return publishRpm(farm, inputs.get(0), built, target);
      }
      return publish(
          farm, inputs.stream().map(RepositoryPublisher::changesIn).toList(), built, target);
    }
  }

  /** Publishes and reports; shared with {@code build --publish}. */
  static int publish(Farm farm, List<Path> changes, Dist dist, PublishTarget target) {
    RepositoryPublisher publisher = farm.publisher();
    AptRepository repository = publisher.apt(dist, RepositoryRef.MIRROR);
    PublishResult result = repository.publish(changes, target);
    String uploads =
        String.join(", ", changes.stream().map(c -> c.getFileName().toString()).toList());
    if (!reported(result, target, uploads, repository.publicKey())) {
      return Main.REFUSED;
    }
    System.out.println(
        "[publish] to install from it, copy that key to "
            + repository.config().clientKeyring()
            + " and add this sources.list line:");
    System.out.println(
        repository.sourcesListLine(target, publisher.url(dist, RepositoryRef.MIRROR)));
    return Main.OK;
  }

  /** Publishes an RPM build's output directory and reports; shared with {@code build --publish}. */
  static int publishRpm(Farm farm, Path dir, Dist dist, PublishTarget target) {
    RepositoryPublisher publisher = farm.publisher();
    YumRepository repository = publisher.yum(dist, RepositoryRef.MIRROR);
    PublishResult result = repository.publish(dir, target);
    if (!reported(
        result, target, "the packages of " + dir, repository.publicKey(target.release()))) {
      return Main.REFUSED;
    }
    System.out.println(
        "[publish] to install from it, add this section to /etc/yum.repos.d/mos.repo:");
    System.out.print(
        repository.repoSection(
            YumRepository.sectionId(target.suite()),
            target,
            publisher.url(dist, RepositoryRef.MIRROR)));
    return Main.OK;
  }

  /**
   * Prints what {@code target} holds now and where its key is, or why it refused {@code what}.
   *
   * @return whether the packages were published
   */
  private static boolean reported(
      PublishResult result, PublishTarget target, String what, Path publicKey) {
    if (result instanceof PublishResult.Rejected rejected) {
      System.err.println("perestroika: " + target + " refused " + what + ":");
      rejected.violations().forEach(v -> System.err.println("  - " + v.message()));
      System.err.println("perestroika: the repository was left as it was");
      return false;
    }
    System.out.println("[publish] " + target + " now holds:");
    ((PublishResult.Published) result)
        .packages()
        .forEach(p -> System.out.println("[publish]   " + p));
    System.out.println("[publish] public key: " + publicKey);
    return true;
  }
}
