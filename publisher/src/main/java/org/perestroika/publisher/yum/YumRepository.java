package org.perestroika.publisher.yum;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.version.RpmVersion;
import org.perestroika.publisher.InvalidUploadException;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.SideBySide;
import org.perestroika.publisher.client.ClientRepositories;
import org.perestroika.publisher.mirror.SnapshotException;
import org.perestroika.publisher.mirror.SnapshotStore;
import org.perestroika.publisher.policy.PolicyViolation;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.signing.SigningKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signed yum repository tree for one OS family in the mirror layout of the spec: {@code
 * mos7.0/{os,updates,security,proposed,holdback}/x86_64/{Packages,repodata}}, the SRPMs in {@code
 * .../Source/{SPackages,repodata}} as CentOS keeps them, and {@code RPM-GPG-KEY-MOS7.0} beside the
 * os packages. Every package is signed with rpmsign and every {@code repomd.xml} carries a detached
 * {@code repomd.xml.asc}; each publish is one atomic snapshot.
 */
public final class YumRepository {
  public static final String ARCH = "x86_64";
  public static final String SOURCE = "Source";

  /** The repositories every release has, as client configuration lists them. */
  static final List<Suite> SUITES =
      List.of(Suite.BASE, Suite.UPDATES, Suite.SECURITY, Suite.PROPOSED, Suite.HOLDBACK);

  private static final Logger log = LoggerFactory.getLogger(YumRepository.class);

  private final Path root;
  private final CommandRunner runner;
  private final GpgKeyring keyring;
  private final YumPolicy policy;
  private final int keepSnapshots;
  private final Duration lockTimeout;
  private final List<Suite> standingSuites;

  /**
   * @param root the family's tree, such as {@code <mirror>/centos-7}; becomes a link to the current
   *     snapshot
   */
  public YumRepository(
      Path root,
      CommandRunner runner,
      GpgKeyring keyring,
      YumPolicy policy,
      int keepSnapshots,
      Duration lockTimeout) {
    this(root, runner, keyring, policy, keepSnapshots, lockTimeout, SUITES);
  }

  private YumRepository(
      Path root,
      CommandRunner runner,
      GpgKeyring keyring,
      YumPolicy policy,
      int keepSnapshots,
      Duration lockTimeout,
      List<Suite> standingSuites) {
    this.standingSuites = List.copyOf(standingSuites);
    this.root = root.toAbsolutePath().normalize();
    this.runner = Objects.requireNonNull(runner, "runner");
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.keepSnapshots = keepSnapshots;
    this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
  }

  /**
   * The same tree as a change's test repository: it gets only the suites published to, where a
   * release mirror gets each release's standing suites at once.
   */
  public YumRepository withPublishedSuitesOnly() {
    return new YumRepository(root, runner, keyring, policy, keepSnapshots, lockTimeout, List.of());
  }

  public Path root() {
    return root;
  }

  /** The key's file name for a release, such as {@code RPM-GPG-KEY-MOS7.0}. */
  public static String keyName(Release release) {
    return "RPM-GPG-KEY-" + release.name().toUpperCase(Locale.ROOT);
  }

  /** Where the release's public key is published: beside its os packages. */
  public Path publicKey(Release release) {
    return root.resolve(binaryDir(release, Suite.BASE)).resolve(keyName(release));
  }

  /** A suite's binary repository, relative to the tree: {@code mos7.0/os/x86_64}. */
  public static Path binaryDir(Release release, Suite suite) {
    return Path.of(release.name(), ClientRepositories.yumDirectory(suite), ARCH);
  }

  /** A suite's source repository, relative to the tree: {@code mos7.0/os/Source}. */
  public static Path sourceDir(Release release, Suite suite) {
    return Path.of(release.name(), ClientRepositories.yumDirectory(suite), SOURCE);
  }

  /** The .repo section id of a suite of the release mirror: {@code mos-proposed}. */
  public static String sectionId(Suite suite) {
    return "mos-" + ClientRepositories.yumDirectory(suite);
  }

  /**
   * A .repo section for one suite, checked as the spec's clients check it.
   *
   * @param id the section's id, such as {@link #sectionId}
   */
  public String repoSection(String id, PublishTarget target, String url) {
    String base = url.replaceAll("/+$", "");
    Release release = target.release();
    return "["
        + id
        + "]\nname=MOS "
        + target.codename()
        + "\nbaseurl="
        + base
        + "/"
        + binaryDir(release, target.suite())
        + "\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey="
        + base
        + "/"
        + binaryDir(release, Suite.BASE)
        + "/"
        + keyName(release)
        + "\n";
  }

  /**
   * Publishes the packages of one build, an SRPM and the binary RPMs built from it, to {@code
   * target}, unless policy refuses them. The upload's files are copied and signed in the new
   * snapshot; the build's own files stay as they are. Publishing the same packages again is a
   * success that changes nothing.
   *
   * @param upload a directory holding the build's .rpm files (one .src.rpm among them)
   * @throws InvalidUploadException when the directory does not hold one SRPM and its binaries
   * @throws PublishException on infrastructure faults, with the repository left as it was
   */
  public PublishResult publish(Path upload, PublishTarget target) {
    Objects.requireNonNull(target, "target");
    Upload packages = Upload.read(runner, upload);
    try {
      SnapshotStore store =
          new SnapshotStore(
              root, hardLinked(target.release()), Set.of(), keepSnapshots, lockTimeout);
      return store.update(snapshot -> publishChecked(snapshot, packages, target));
    } catch (SnapshotException
        | CommandFailedException
        | SigningKeyException
        | IllegalArgumentException
        | UncheckedIOException e) {
      throw new PublishException(
          "could not publish "
              + packages.source().describe()
              + " to "
              + target
              + " in "
              + root
              + ", the repository is unchanged: "
              + e.getMessage(),
          e);
    }
  }

  private SnapshotStore.Outcome<PublishResult> publishChecked(
      SnapshotStore.Snapshot snapshot, Upload upload, PublishTarget target) throws IOException {
    Path tree = snapshot.publicDir();
    Set<Release> releases = releases(tree);
    releases.add(target.release());
    Map<PublishTarget, RpmVersion> held = new LinkedHashMap<>();
    for (PublishTarget suite : policy.boundingSuites(target, releases)) {
      highestSource(tree.resolve(sourceDir(suite.release(), suite.suite())), upload.name())
          .ifPresent(version -> held.put(suite, version));
    }
    Map<String, RpmFile> published = publishedAs(tree, upload);
    List<String> differing =
        upload.files().stream()
            .filter(file -> published.containsKey(file.canonicalFileName()))
            .filter(
                file -> !published.get(file.canonicalFileName()).content().equals(file.content()))
            .map(RpmFile::canonicalFileName)
            .toList();
    List<PolicyViolation> violations =
        policy.check(upload.name(), upload.source().version(), target, held, differing);
    if (!violations.isEmpty()) {
      log.info("rejected {} for {}: {}", upload.source().describe(), target, violations);
      return SnapshotStore.Outcome.abandon(new PublishResult.Rejected(violations));
    }

    List<RpmFile> missing = new ArrayList<>();
    for (RpmFile file : upload.files()) {
      if (!Files.exists(packagesDir(tree, target, file).resolve(file.canonicalFileName()))) {
        missing.add(file);
      }
    }
    if (missing.isEmpty() && isComplete(tree, target)) {
      log.info("{} is already in {}: nothing to do", upload.source().describe(), target);
      return SnapshotStore.Outcome.abandon(published(target, upload));
    }

    // Copies are signed, never the files of the build or of an older snapshot (hard links).
    Path incoming = Files.createDirectories(snapshot.dir().resolve("incoming"));
    List<Path> copies = new ArrayList<>();
    for (RpmFile file : missing) {
      Path copy = incoming.resolve(file.canonicalFileName());
      Files.copy(file.path(), copy);
      copies.add(copy);
    }
    keyring.signRpms(copies);
    Set<Path> changed = new HashSet<>();
    for (RpmFile file : missing) {
      Path dir = Files.createDirectories(packagesDir(tree, target, file));
      Files.move(incoming.resolve(file.canonicalFileName()), dir.resolve(file.canonicalFileName()));
      changed.add(dir.getParent());
    }
    FileTrees.delete(incoming);

    Set<Suite> suites = new LinkedHashSet<>(standingSuites);
    suites.add(target.suite());
    // Each repository is indexed and signed on its own; a new tree has a dozen of them.
    List<Runnable> indexing = new ArrayList<>();
    for (Suite suite : suites) {
      for (Path relative :
          List.of(binaryDir(target.release(), suite), sourceDir(target.release(), suite))) {
        Path repository = tree.resolve(relative);
        Files.createDirectories(repository.resolve(packagesName(relative)));
        if (changed.contains(repository) || !isIndexed(repository)) {
          indexing.add(() -> index(repository));
        }
      }
    }
    SideBySide.runAll(indexing);
    Path key =
        Files.createDirectories(tree.resolve(binaryDir(target.release(), Suite.BASE)))
            .resolve(keyName(target.release()));
    keyring.exportArmoredPublicKey(key);
    log.info("published {} to {} in {}", upload.source().describe(), target, root);
    return SnapshotStore.Outcome.commit(published(target, upload));
  }

  /** createrepo_c, reusing the metadata of unchanged packages, then the detached signature. */
  private void index(Path repository) {
    runner.check(
        Command.of(
                "createrepo_c",
                "--quiet",
                "--update",
                "--checksum",
                "sha256",
                "--general-compress-type",
                "gz",
                "--retain-old-md",
                "0",
                repository.toString())
            .withTimeout(Duration.ofMinutes(30)));
    Path repomd = repository.resolve("repodata/repomd.xml");
    keyring.detachSign(repomd, repomd.resolveSibling("repomd.xml.asc"));
  }

  private static boolean isIndexed(Path repository) {
    return Files.isRegularFile(repository.resolve("repodata/repomd.xml.asc"));
  }

  private boolean isComplete(Path tree, PublishTarget target) {
    for (Suite suite : standingSuites) {
      if (!isIndexed(tree.resolve(binaryDir(target.release(), suite)))
          || !isIndexed(tree.resolve(sourceDir(target.release(), suite)))) {
        return false;
      }
    }
    return isIndexed(tree.resolve(binaryDir(target.release(), target.suite())))
        && Files.isRegularFile(
            tree.resolve(binaryDir(target.release(), Suite.BASE))
                .resolve(keyName(target.release())));
  }

  private static PublishResult published(PublishTarget target, Upload upload) {
    return new PublishResult.Published(
        target, upload.files().stream().map(RpmFile::describe).toList());
  }

  private static Path packagesDir(Path tree, PublishTarget target, RpmFile file) {
    Path relative =
        file.isSource()
            ? sourceDir(target.release(), target.suite())
            : binaryDir(target.release(), target.suite());
    return tree.resolve(relative).resolve(packagesName(relative));
  }

  /** CentOS keeps SRPMs in SPackages, binaries in Packages. */
  private static String packagesName(Path repository) {
    return repository.getFileName().toString().equals(SOURCE) ? "SPackages" : "Packages";
  }

  /** The highest version of the SRPMs named {@code name} in a source repository. */
  private Optional<RpmVersion> highestSource(Path repository, String name) throws IOException {
    Path dir = repository.resolve("SPackages");
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> candidates;
    try (Stream<Path> entries = Files.list(dir)) {
      candidates =
          entries.filter(p -> p.getFileName().toString().startsWith(name + "-")).sorted().toList();
    }
    return RpmFile.query(runner, candidates).stream()
        .filter(file -> file.name().equals(name))
        .map(RpmFile::version)
        .max(RpmVersion::compareTo);
  }

  /** What the tree holds under the upload's file names, anywhere in any release. */
  private Map<String, RpmFile> publishedAs(Path tree, Upload upload) throws IOException {
    Set<String> names = new HashSet<>();
    upload.files().forEach(file -> names.add(file.canonicalFileName()));
    Map<String, RpmFile> found = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(tree)) {
      List<Path> same =
          files
              .filter(p -> names.contains(p.getFileName().toString()))
              .filter(Files::isRegularFile)
              .toList();
      for (RpmFile file : RpmFile.query(runner, same)) {
        found.putIfAbsent(file.path().getFileName().toString(), file);
        if (!found.get(file.path().getFileName().toString()).content().equals(file.content())) {
          throw new PublishException(
              root + " holds two different packages named " + file.path().getFileName());
        }
      }
    }
    return found;
  }

  private static Set<Release> releases(Path tree) throws IOException {
    Set<Release> releases = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
    if (!Files.isDirectory(tree)) {
      return releases;
    }
    try (Stream<Path> entries = Files.list(tree)) {
      for (Path entry : entries.filter(Files::isDirectory).toList()) {
        try {
          releases.add(new Release(entry.getFileName().toString()));
        } catch (IllegalArgumentException e) {
          // Not a release directory: nothing of ours.
        }
      }
    }
    return releases;
  }

  /**
   * The package directories of every release the tree holds and of {@code release}: packages are
   * only ever added or removed, never rewritten, so snapshots share them by hard links.
   */
  private Set<Path> hardLinked(Release release) {
    Set<Release> releases;
    try {
      releases = releases(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    releases.add(release);
    Set<Path> dirs = new HashSet<>();
    for (Release each : releases) {
      for (Suite suite : Suite.values()) {
        Path publicDir = Path.of(SnapshotStore.PUBLIC);
        dirs.add(publicDir.resolve(binaryDir(each, suite)).resolve("Packages"));
        dirs.add(publicDir.resolve(sourceDir(each, suite)).resolve("SPackages"));
      }
    }
    return dirs;
  }

  /** One build's packages: its SRPM and the binaries built from it. */
  record Upload(RpmFile source, List<RpmFile> binaries) {
    Upload {
      binaries = List.copyOf(binaries);
    }

    String name() {
      return source.name();
    }

    /** The binaries, then the SRPM. */
    List<RpmFile> files() {
      List<RpmFile> files = new ArrayList<>(binaries);
      files.add(source);
      return files;
    }

    static Upload read(CommandRunner runner, Path dir) {
      if (!Files.isDirectory(dir)) {
        throw new InvalidUploadException(
            dir + " is not a directory: give the build's output directory, which holds its RPMs");
      }
      List<Path> paths;
      try (Stream<Path> entries = Files.list(dir)) {
        paths = entries.filter(p -> p.getFileName().toString().endsWith(".rpm")).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
      List<RpmFile> files;
      try {
        files = RpmFile.query(runner, paths);
      } catch (IllegalArgumentException e) {
        throw new InvalidUploadException(e.getMessage(), e);
      }
      List<RpmFile> sources = files.stream().filter(RpmFile::isSource).toList();
      List<RpmFile> binaries = files.stream().filter(file -> !file.isSource()).toList();
      if (sources.size() != 1 || binaries.isEmpty()) {
        throw new InvalidUploadException(
            dir
                + " holds "
                + sources.size()
                + " source and "
                + binaries.size()
                + " binary RPMs: an upload is one build's SRPM and the binary RPMs built from it");
      }
      RpmFile source = sources.get(0);
      String srpm = source.canonicalFileName();
      List<String> problems = new ArrayList<>();
      for (RpmFile file : files) {
        if (!file.path().getFileName().toString().equals(file.canonicalFileName())) {
          problems.add(file.path().getFileName() + " should be named " + file.canonicalFileName());
        }
        if (!file.isSource() && !file.sourceRpm().equals(srpm)) {
          problems.add(
              file.path().getFileName() + " was built from " + file.sourceRpm() + ", not " + srpm);
        }
        if (!file.isSource() && !file.arch().equals(ARCH) && !file.arch().equals("noarch")) {
          problems.add(
              file.path().getFileName()
                  + " is for "
                  + file.arch()
                  + "; the repositories are "
                  + ARCH);
        }
      }
      if (!problems.isEmpty()) {
        throw new InvalidUploadException(
            "cannot publish " + dir + ": " + String.join("; ", problems));
      }
      return new Upload(source, binaries);
    }
  }
}
