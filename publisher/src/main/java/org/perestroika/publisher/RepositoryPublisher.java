package org.perestroika.publisher;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.service.PackagePublisher;
import org.perestroika.core.service.PublishOutcome;
import org.perestroika.core.service.RepositoryRef;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;

/**
 * Every repository this publisher signs, under one root: the release mirror at {@code
 * <root>/<family>} (the spec's {@code $(MOS_MIRROR)/ubuntu}) and test repositories at {@code
 * <root>/<path>/<family>}, such as {@code review/CR-1234/debian}.
 */
public final class RepositoryPublisher implements PackagePublisher {
  private final Path root;
  private final Optional<String> baseUrl;
  private final Function<Path, AptRepositoryConfig> settings;
  private final CommandRunner runner;
  private final GpgKeyring keyring;
  private final Function<Dist, VersionPolicy> policies;

  /**
   * @param baseUrl where clients reach {@code root} (http://...); empty means file: URLs
   * @param settings the repository settings for a tree at a given path
   * @param policies the version policy for packages built for a given dist
   */
  public RepositoryPublisher(
      Path root,
      Optional<String> baseUrl,
      Function<Path, AptRepositoryConfig> settings,
      CommandRunner runner,
      GpgKeyring keyring,
      Function<Dist, VersionPolicy> policies) {
    this.root = root.toAbsolutePath().normalize();
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.settings = settings;
    this.runner = runner;
    this.keyring = keyring;
    this.policies = Objects.requireNonNull(policies, "policies");
  }

  /** The apt repository of a dist's OS family within a repository tree. */
  public AptRepository apt(Dist dist, RepositoryRef repository) {
    return new AptRepository(
        settings.apply(treeOf(repository).resolve(dist.family())),
        runner,
        keyring,
        policies.apply(dist));
  }

  /** The URL clients use for that repository's root. */
  public String url(Dist dist, RepositoryRef repository) {
    return url(root, baseUrl, dist, repository);
  }

  /**
   * The URL clients use for the root of a dist's repository in a tree under {@code root}: below
   * {@code baseUrl} when there is one, else a file: URL.
   */
  public static String url(
      Path root, Optional<String> baseUrl, Dist dist, RepositoryRef repository) {
    String relative =
        repository.isMirror() ? dist.family() : repository.path() + "/" + dist.family();
    return baseUrl
        .map(base -> base.replaceAll("/+$", "") + "/" + relative)
        .orElse("file:" + root.toAbsolutePath().normalize().resolve(relative));
  }

  @Override
  public PublishOutcome publish(
      Path changes, Dist dist, RepositoryRef repository, PublishTarget target) {
    AptRepository apt = apt(dist, repository);
    String line = apt.sourcesListLine(target, url(dist, repository));
    PublishResult result = apt.publish(changes, target);
    if (result instanceof PublishResult.Rejected rejected) {
      return new PublishOutcome(
          false, rejected.violations().stream().map(v -> v.message()).toList(), line);
    }
    return new PublishOutcome(true, java.util.List.of(), line);
  }

  @Override
  public void remove(RepositoryRef repository) {
    if (repository.isMirror()) {
      throw new IllegalArgumentException("the release mirror is never removed");
    }
    runner.check(Command.of("rm", "-rf", "--one-file-system", "--", treeOf(repository).toString()));
  }

  private Path treeOf(RepositoryRef repository) {
    return repository.isMirror() ? root : root.resolve(repository.path());
  }
}
