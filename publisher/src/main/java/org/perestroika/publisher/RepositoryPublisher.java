package org.perestroika.publisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
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
import org.perestroika.publisher.yum.YumRepository;

/**
 * Every repository this publisher signs, under one root: the release mirror at {@code
 * <root>/<family>} (the spec's {@code $(MOS_MIRROR)/ubuntu}) and test repositories at {@code
 * <root>/<path>/<family>}, such as {@code review/CR-1234/debian}; apt trees for deb dists, yum
 * trees for rpm dists. A test repository holds only the suites published to, the mirror every suite
 * of each of its releases.
 */
public final class RepositoryPublisher implements PackagePublisher {
  private final Path root;
  private final Optional<String> baseUrl;
  private final Function<Path, AptRepositoryConfig> settings;
  private final CommandRunner runner;
  private final GpgKeyring keyring;
  private final Function<Dist, VersionPolicy> policies;
  private final Function<Path, YumRepository> yumTrees;

  /**
   * @param baseUrl where clients reach {@code root} (http://...); empty means file: URLs
   * @param settings the apt repository settings for a tree at a given path
   * @param policies the version policy for packages built for a given deb dist
   * @param yumTrees the yum repository of a tree at a given path
   */
  public RepositoryPublisher(
      Path root,
      Optional<String> baseUrl,
      Function<Path, AptRepositoryConfig> settings,
      CommandRunner runner,
      GpgKeyring keyring,
      Function<Dist, VersionPolicy> policies,
      Function<Path, YumRepository> yumTrees) {
    this.root = root.toAbsolutePath().normalize();
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    this.settings = settings;
    this.runner = runner;
    this.keyring = keyring;
    this.policies = Objects.requireNonNull(policies, "policies");
    this.yumTrees = Objects.requireNonNull(yumTrees, "yumTrees");
  }

  /** The apt repository of a deb dist's OS family within a repository tree. */
  public AptRepository apt(Dist dist, RepositoryRef repository) {
    AptRepositoryConfig config = settings.apply(familyTree(dist, repository));
    return new AptRepository(
        repository.isMirror() ? config : config.withPublishedSuitesOnly(),
        runner,
        keyring,
        policies.apply(dist));
  }

  /** The yum repository of an rpm dist's OS family within a repository tree. */
  public YumRepository yum(Dist dist, RepositoryRef repository) {
    YumRepository tree = yumTrees.apply(familyTree(dist, repository));
    return repository.isMirror() ? tree : tree.withPublishedSuitesOnly();
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
      Path output, Dist dist, RepositoryRef repository, PublishTarget target) {
    String url = url(dist, repository);
    PublishResult result;
    String setup;
    if (dist.format() == PackageFormat.RPM) {
      YumRepository yum = yum(dist, repository);
      String id =
          repository.isMirror()
              ? YumRepository.sectionId(target.suite())
              : "mos-" + repository.path().replace('/', '-');
      setup = yum.repoSection(id, target, url);
      result = yum.publish(output, target);
    } else {
      AptRepository apt = apt(dist, repository);
      setup =
          "Key: "
              + url
              + "/"
              + apt.config().root().relativize(apt.publicKey())
              + " (save it as "
              + apt.config().clientKeyring()
              + ")\n"
              + apt.sourcesListLine(target, url)
              + "\n";
      result = apt.publish(changesIn(output), target);
    }
    if (result instanceof PublishResult.Rejected rejected) {
      return new PublishOutcome(
          false, rejected.violations().stream().map(v -> v.message()).toList(), setup);
    }
    return new PublishOutcome(true, List.of(), setup);
  }

  @Override
  public void remove(RepositoryRef repository) {
    if (repository.isMirror()) {
      throw new IllegalArgumentException("the release mirror is never removed");
    }
    runner.check(Command.of("rm", "-rf", "--one-file-system", "--", treeOf(repository).toString()));
  }

  /**
   * The upload of a deb build's output directory: its one .changes (sbuild may leave a source-only
   * one beside the full one, which is not the upload); a .changes file is its own upload.
   *
   * @throws InvalidUploadException when the directory holds none or several
   */
  public static Path changesIn(Path output) {
    if (!Files.isDirectory(output)) {
      return output;
    }
    try (Stream<Path> files = Files.list(output)) {
      List<Path> changes =
          files
              .filter(p -> p.getFileName().toString().endsWith(".changes"))
              .filter(p -> !p.getFileName().toString().endsWith("_source.changes"))
              .sorted()
              .toList();
      if (changes.size() != 1) {
        throw new InvalidUploadException(
            output
                + " holds "
                + changes.size()
                + " .changes files "
                + changes.stream().map(p -> p.getFileName().toString()).toList()
                + ": name the one to publish");
      }
      return changes.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + output, e);
    }
  }

  private Path familyTree(Dist dist, RepositoryRef repository) {
    return treeOf(repository).resolve(dist.family());
  }

  private Path treeOf(RepositoryRef repository) {
    return repository.isMirror() ? root : root.resolve(repository.path());
  }
}
