package org.perestroika.publisher.apt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.mirror.SnapshotException;
import org.perestroika.publisher.mirror.SnapshotStore;
import org.perestroika.publisher.policy.ChangelogPolicy;
import org.perestroika.publisher.policy.PolicyViolation;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.signing.Gpgv;
import org.perestroika.publisher.signing.SigningKeyException;
import org.perestroika.publisher.signing.UploaderKeyring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signed apt repository for one OS family in the mirror layout of the spec ({@code
 * dists/mos10.0}, {@code dists/mos10.0-proposed}, ..., {@code pool/main/...}, {@code
 * project/mos-archive-keyring.gpg}), managed with reprepro and published in atomic snapshots.
 */
public final class AptRepository {
  public static final String KEYRING_NAME = "mos-archive-keyring.gpg";

  private static final Logger log = LoggerFactory.getLogger(AptRepository.class);
  private static final Path POOL = Path.of(SnapshotStore.PUBLIC, "pool");

  private final AptRepositoryConfig config;
  private final CommandRunner runner;
  private final SuiteSigner signer;
  private final SnapshotStore store;
  private final VersionPolicy policy;
  private final Optional<UploaderKeyring> uploaders;

  /**
   * @param policy the version rules every publish must pass, for the base distro that the uploads
   *     are built for
   */
  public AptRepository(
      AptRepositoryConfig config, CommandRunner runner, GpgKeyring keyring, VersionPolicy policy) {
    this.config = Objects.requireNonNull(config, "config");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.signer = new SuiteSigner(Objects.requireNonNull(keyring, "keyring"), new Gpgv(runner));
    // Every published file is shared with the previous snapshot: reprepro, gpg (see GpgKeyring)
    // and ByHash only ever add, unlink or replace files by rename there, never rewrite one. The
    // pool is one directory for all snapshots; finish() removes what no kept snapshot names.
    this.store =
        new SnapshotStore(
            config.root(),
            Set.of(Path.of(SnapshotStore.PUBLIC)),
            Set.of(POOL),
            config.keepSnapshots(),
            config.lockTimeout());
    this.uploaders = config.uploadersKeyring().map(path -> new UploaderKeyring(runner, path));
  }

  public AptRepositoryConfig config() {
    return config;
  }

  /**
   * Publishes the upload described by {@code changesFile} to {@code target}, unless policy refuses
   * it. Publishing the same upload again is a success that changes nothing.
   *
   * @throws org.perestroika.publisher.InvalidUploadException when the upload's files are missing,
   *     misnamed or do not match the .changes, or when uploads must be signed and its signature is
   *     missing, bad or by a key not trusted (checked before the repository is touched)
   * @throws PublishException on infrastructure faults (a tool failed, the lock timed out, the root
   *     is not ours), with the cause attached and the repository left exactly as it was
   * @throws org.perestroika.core.EnvironmentException when the base distro's index, which the
   *     policy needs, cannot be read (checked before the repository is touched)
   */
  public PublishResult publish(Path changesFile, PublishTarget target) {
    return publish(List.of(changesFile), target);
  }

  /**
   * Publishes several uploads to {@code target} in one snapshot, signed once: all of them, or none
   * when policy refuses any (every violation of every upload is listed). Each names another source;
   * uploads already published change nothing. Throws as {@link #publish(Path, PublishTarget)} does.
   *
   * @return on success, what {@code target} holds of every upload's source at its version
   */
  public PublishResult publish(List<Path> changesFiles, PublishTarget target) {
    Objects.requireNonNull(target, "target");
    if (changesFiles.isEmpty()) {
      throw new IllegalArgumentException("name at least one .changes file to publish");
    }
    List<DebUpload> uploads = new ArrayList<>();
    Map<String, Path> bySource = new LinkedHashMap<>();
    for (Path changesFile : changesFiles) {
      DebUpload upload = DebUpload.check(changesFile, uploaders);
      Path other = bySource.putIfAbsent(upload.changes().source(), changesFile);
      if (other != null) {
        throw new IllegalArgumentException(
            other
                + " and "
                + changesFile
                + " are both uploads of "
                + upload.changes().source()
                + ": publish them one at a time, the lower version first");
      }
      uploads.add(upload);
    }
    // Read before taking the repository's lock: it may download the base distro's index.
    Map<String, Optional<DebianVersion>> upstream = new LinkedHashMap<>();
    for (DebUpload upload : uploads) {
      String source = upload.changes().source();
      upstream.put(source, policy.upstreamVersion(source, target));
    }
    return publishChecked(uploads, target, upstream);
  }

  private PublishResult publishChecked(
      List<DebUpload> uploads,
      PublishTarget target,
      Map<String, Optional<DebianVersion>> upstream) {
    String codename = target.codename();
    List<String> sources = uploads.stream().map(u -> u.changes().source()).toList();
    List<ChangesFile> changes = uploads.stream().map(DebUpload::changes).toList();
    return change(
        "publish "
            + String.join(", ", changes.stream().map(u -> u.source() + " " + u.version()).toList())
            + " to "
            + codename,
        snapshot -> {
          boolean confChanged =
              writeConf(
                  snapshot,
                  config.everySuite()
                      ? DistributionsFile.codenames(List.of(target.release()))
                      : List.of(target.codename()));
          Reprepro reprepro = new Reprepro(runner, snapshot.dir());
          Map<String, List<HeldPackage>> before = bySource(reprepro.listSources(codename, sources));
          List<PolicyViolation> violations =
              new ArrayList<>(violationsFor(changes, target, before, snapshot, reprepro, upstream));
          for (DebUpload upload : uploads) {
            violations.addAll(
                ChangelogPolicy.check(upload.changes(), upload.changelog(), target.suite()));
          }
          if (!violations.isEmpty()) {
            log.info("rejected {} for {}: {}", sources, codename, violations);
            return SnapshotStore.Outcome.abandon(new PublishResult.Rejected(violations));
          }
          List<DebUpload> missing =
              uploads.stream().filter(u -> !alreadyHolds(held(before, u), u)).toList();
          if (missing.isEmpty() && !confChanged && isComplete(snapshot)) {
            log.info("{} already holds {}: nothing to do", codename, sources);
            return SnapshotStore.Outcome.abandon(published(target, before, changes));
          }
          // One upload is included and exported in one reprepro run, a batch is exported once at
          // its end, and finish() exports every suite when the conf changed.
          boolean exportEach = missing.size() == 1 && !confChanged;
          for (DebUpload upload : missing) {
            for (Path file : poolPaths(snapshot.dir(), upload.changes())) {
              if (Files.notExists(file)) {
                snapshot.added(file);
              }
            }
            if (exportEach) {
              reprepro.include(codename, upload.changesFile());
            } else {
              reprepro.includeWithoutExport(codename, upload.changesFile());
            }
          }
          if (!exportEach && !confChanged && !missing.isEmpty()) {
            reprepro.export(List.of(codename));
          }
          PublishResult result =
              finish(
                  snapshot,
                  reprepro,
                  confChanged,
                  Set.of(codename),
                  () -> {
                    // reprepro reports success even when it skipped an upload, so look for each.
                    Map<String, List<HeldPackage>> after =
                        bySource(reprepro.listSources(codename, sources));
                    for (DebUpload upload : missing) {
                      if (!alreadyHolds(held(after, upload), upload)) {
                        throw new PublishException(
                            "reprepro reported success including "
                                + upload.changesFile()
                                + " into "
                                + codename
                                + " but the suite does not hold "
                                + upload.packageFileNames()
                                + " afterwards; it holds "
                                + held(after, upload).stream().map(HeldPackage::describe).toList());
                      }
                    }
                    return published(target, after, changes);
                  });
          log.info("published {} to {} in {}", sources, codename, config.root());
          return SnapshotStore.Outcome.commit(result);
        });
  }

  private static Map<String, List<HeldPackage>> bySource(List<HeldPackage> held) {
    Map<String, List<HeldPackage>> bySource = new LinkedHashMap<>();
    held.forEach(one -> bySource.computeIfAbsent(one.source(), key -> new ArrayList<>()).add(one));
    return bySource;
  }

  private static List<HeldPackage> held(Map<String, List<HeldPackage>> bySource, DebUpload upload) {
    return bySource.getOrDefault(upload.changes().source(), List.of());
  }

  /**
   * What policy says about {@code uploads} going into {@code target}, which holds {@code before} of
   * their sources now (by source). Publishing and promoting both ask here, so a promotion meets the
   * rules that an upload to the target would. Each bounding suite is read once for all.
   */
  private List<PolicyViolation> violationsFor(
      List<ChangesFile> uploads,
      PublishTarget target,
      Map<String, List<HeldPackage>> before,
      SnapshotStore.Snapshot snapshot,
      Reprepro reprepro,
      Map<String, Optional<DebianVersion>> upstream)
      throws IOException {
    List<String> sources = uploads.stream().map(ChangesFile::source).toList();
    Map<PublishTarget, Map<String, List<HeldPackage>>> suites = new LinkedHashMap<>();
    Path dists = snapshot.publicDir().resolve("dists");
    for (PublishTarget suite : policy.boundingSuites(target, releases(snapshot))) {
      if (suite.equals(target)) {
        suites.put(suite, before);
      } else if (!holdsNothing(dists.resolve(suite.codename()))) {
        suites.put(suite, bySource(reprepro.listSources(suite.codename(), sources)));
      }
    }
    List<PolicyViolation> violations = new ArrayList<>();
    for (ChangesFile upload : uploads) {
      Map<PublishTarget, DebianVersion> held = new LinkedHashMap<>();
      suites.forEach(
          (suite, holdings) ->
              holdings.getOrDefault(upload.source(), List.of()).stream()
                  .map(HeldPackage::sourceVersion)
                  .max(DebianVersion::compareTo)
                  .ifPresent(version -> held.put(suite, version)));
      violations.addAll(
          policy.check(
              upload,
              target,
              held,
              publishedChecksums(snapshot.dir(), upload),
              upstream.getOrDefault(upload.source(), Optional.empty())));
    }
    return violations;
  }

  /**
   * Whether a suite's Release file lists only empty Packages and Sources indices, or the suite has
   * no directory at all, which spares asking reprepro what it holds. Every committed snapshot's
   * Release files match its database, and every suite of its conf was exported: a suite without a
   * directory is one this publish adds, such as each suite of a new repository.
   */
  private static boolean holdsNothing(Path suite) throws IOException {
    Path release = suite.resolve("Release");
    if (!Files.exists(suite)) {
      return true;
    }
    if (!Files.isRegularFile(release)) {
      return false;
    }
    List<Deb822.Paragraph> paragraphs;
    try {
      paragraphs = Deb822.parse(Files.readString(release, StandardCharsets.UTF_8), "");
    } catch (MalformedControlFileException e) {
      return false; // reprepro's database answers instead
    }
    List<String[]> indices =
        paragraphs.stream()
            .flatMap(paragraph -> paragraph.lines("SHA256").stream())
            .map(line -> line.text().strip().split("\\s+"))
            .filter(words -> words.length == 3)
            .filter(words -> words[2].endsWith("/Packages") || words[2].endsWith("/Sources"))
            .toList();
    return !indices.isEmpty() && indices.stream().allMatch(words -> words[1].equals("0"));
  }

  /**
   * Promotes the named source packages from one suite of a release to another, such as
   * mos10.0-proposed to mos10.0-updates: the exact .dsc and .debs that {@code from} holds (its
   * highest version of each source) are copied, not rebuilt, so both suites list the same pool
   * files. All packages move in one new snapshot, re-signed, or none do. The target's policy
   * applies as for a publish: a package the target holds at a higher version is refused.
   *
   * <p>The packages stay in {@code from}. That is how Ubuntu's -proposed and -updates work (the
   * spec builds its mirrors like the distribution's): clients testing proposed keep what they
   * tested, proposed still refuses a lower version later, and a promotion repeated after a failure
   * is a no-op. What proposed holds beyond updates is what still awaits promotion.
   *
   * @param sources source package names, each held by {@code from}
   * @return the packages {@code to} then holds of those sources, or the policy's refusal; promoting
   *     what {@code to} already holds changes nothing
   * @throws IllegalArgumentException when the suites are not two of one release, or {@code from}
   *     lacks a package (the message lists what it holds)
   * @throws PublishException on infrastructure faults, with the repository left as it was
   */
  public PublishResult promote(PublishTarget from, PublishTarget to, List<String> sources) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.release().equals(to.release()) || from.suite() == to.suite()) {
      throw new IllegalArgumentException(
          "cannot promote from "
              + from
              + " to "
              + to
              + ": promotion moves packages between two suites of one release; a package for"
              + " another release needs a version of its own (the spec's versioning)");
    }
    List<String> names = List.copyOf(new LinkedHashSet<>(sources));
    if (names.isEmpty()) {
      throw new IllegalArgumentException("name at least one source package to promote");
    }
    for (String name : names) {
      if (!ChangesFile.PACKAGE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("'" + name + "' is not a source package name");
      }
    }
    // Read before taking the repository's lock: it may download the base distro's index.
    Map<String, Optional<DebianVersion>> upstream = new LinkedHashMap<>();
    names.forEach(name -> upstream.put(name, policy.upstreamVersion(name, to)));
    return change(
        "promote " + names + " from " + from + " to " + to,
        snapshot -> promoteChecked(snapshot, from, to, names, upstream));
  }

  /**
   * Applies {@code change} to a new snapshot. A tool, key or file-system fault becomes a {@link
   * PublishException} that says what could not be done and that the repository is unchanged.
   */
  private <T> T change(String what, SnapshotStore.Change<T> change) {
    try {
      return store.update(change);
    } catch (SnapshotException
        | CommandFailedException
        | SigningKeyException
        | MalformedControlFileException
        | UncheckedIOException e) {
      throw new PublishException(
          "could not "
              + what
              + " in "
              + config.root()
              + ", the repository is unchanged: "
              + e.getMessage(),
          e);
    }
  }

  private SnapshotStore.Outcome<PublishResult> promoteChecked(
      SnapshotStore.Snapshot snapshot,
      PublishTarget from,
      PublishTarget to,
      List<String> names,
      Map<String, Optional<DebianVersion>> upstream)
      throws IOException {
    Path dir = snapshot.dir();
    List<String> suites =
        Files.isRegularFile(dir.resolve("conf").resolve("distributions"))
            ? codenames(snapshot)
            : List.of();
    for (PublishTarget suite : List.of(from, to)) {
      if (!suites.contains(suite.codename())) {
        throw new IllegalArgumentException(
            config.root()
                + " has no suite "
                + suite
                + " (it has "
                + (suites.isEmpty() ? "none" : String.join(", ", suites))
                + "): publish to "
                + from
                + " first");
      }
    }
    Reprepro reprepro = new Reprepro(runner, dir);
    List<String> missing = new ArrayList<>();
    List<PolicyViolation> violations = new ArrayList<>();
    Map<String, List<HeldPackage>> moving = new LinkedHashMap<>();
    Map<String, DebianVersion> versions = new LinkedHashMap<>();
    for (String name : names) {
      List<HeldPackage> held = reprepro.listSource(from.codename(), name);
      if (held.isEmpty()) {
        missing.add(name);
        continue;
      }
      DebianVersion version =
          held.stream().map(HeldPackage::sourceVersion).max(DebianVersion::compareTo).orElseThrow();
      List<HeldPackage> files =
          held.stream().filter(one -> one.sourceVersion().compareTo(version) == 0).toList();
      versions.put(name, version);
      List<HeldPackage> before = reprepro.listSource(to.codename(), name);
      violations.addAll(
          violationsFor(
              List.of(asUpload(dir, from, name, version, files)),
              to,
              Map.of(name, before),
              snapshot,
              reprepro,
              upstream));
      if (!holdsAll(before, files)) {
        moving.put(name, files);
      }
    }
    if (!missing.isEmpty()) {
      List<String> holds = reprepro.sourceNames(from.codename());
      throw new IllegalArgumentException(
          from
              + " holds no "
              + String.join(", ", missing)
              + " to promote; it holds "
              + (holds.isEmpty() ? "nothing" : String.join(", ", holds)));
    }
    if (!violations.isEmpty()) {
      log.info("refused promoting {} from {} to {}: {}", names, from, to, violations);
      return SnapshotStore.Outcome.abandon(new PublishResult.Rejected(violations));
    }
    if (moving.isEmpty()) {
      log.info("{} already holds {} as {} does: nothing to do", to, names, from);
      return SnapshotStore.Outcome.abandon(promoted(reprepro, to, versions));
    }
    for (Map.Entry<String, List<HeldPackage>> source : moving.entrySet()) {
      DebianVersion version = versions.get(source.getKey());
      reprepro.copySource(to.codename(), from.codename(), source.getKey(), version);
      List<HeldPackage> after = reprepro.listSource(to.codename(), source.getKey());
      if (!holdsAll(after, source.getValue())) {
        throw new PublishException(
            "reprepro reported success copying "
                + source.getKey()
                + " "
                + version
                + " from "
                + from
                + " to "
                + to
                + " but "
                + to
                + " holds "
                + after.stream().map(HeldPackage::describe).toList()
                + " afterwards");
      }
    }
    PublishResult result =
        finish(
            snapshot,
            reprepro,
            false,
            Set.of(to.codename()),
            () -> promoted(reprepro, to, versions));
    log.info("promoted {} from {} to {} in {}", moving.keySet(), from, to, config.root());
    return SnapshotStore.Outcome.commit(result);
  }

  /**
   * The packages a suite holds, described as an upload would be, so that promotion is judged by the
   * same policy as publishing: the pool files are the upload's files.
   */
  private static ChangesFile asUpload(
      Path snapshot,
      PublishTarget from,
      String source,
      DebianVersion version,
      List<HeldPackage> held)
      throws IOException {
    List<ChangesFile.Entry> files = new ArrayList<>();
    for (HeldPackage one : held) {
      Path file = snapshot.resolve(SnapshotStore.PUBLIC).resolve(one.filekey());
      files.add(new ChangesFile.Entry(one.fileName(), Files.size(file), DebUpload.sha256(file)));
    }
    List<String> architectures =
        held.stream().map(HeldPackage::architecture).distinct().sorted().toList();
    return new ChangesFile(source, version, from.codename(), architectures, files);
  }

  /** Whether {@code held} lists every pool file of {@code wanted}. */
  private static boolean holdsAll(List<HeldPackage> held, List<HeldPackage> wanted) {
    Set<String> files = new LinkedHashSet<>();
    held.forEach(one -> files.add(one.filekey()));
    return wanted.stream().allMatch(one -> files.contains(one.filekey()));
  }

  /** What {@code to} holds of each promoted source at its promoted version. */
  private static PublishResult.Published promoted(
      Reprepro reprepro, PublishTarget to, Map<String, DebianVersion> versions) {
    List<String> packages = new ArrayList<>();
    versions.forEach(
        (name, version) ->
            reprepro.listSource(to.codename(), name).stream()
                .filter(one -> one.sourceVersion().compareTo(version) == 0)
                .map(HeldPackage::describe)
                .forEach(packages::add));
    return new PublishResult.Published(to, packages.stream().sorted().toList());
  }

  /**
   * Makes sure every suite of {@code release} exists, signed, even before anything is published to
   * it, so clients can list them all. Does nothing when they already do.
   */
  public void createRelease(Release release) {
    Objects.requireNonNull(release, "release");
    change(
        "create the suites of " + release,
        snapshot -> {
          boolean confChanged = writeConf(snapshot, DistributionsFile.codenames(List.of(release)));
          if (!confChanged && isComplete(snapshot)) {
            return SnapshotStore.Outcome.abandon(null);
          }
          finish(snapshot, new Reprepro(runner, snapshot.dir()), confChanged, Set.of(), () -> null);
          return SnapshotStore.Outcome.commit(null);
        });
  }

  /**
   * The line a client puts in its sources.list for {@code target}, e.g. {@code deb
   * [signed-by=/etc/apt/keyrings/mos-archive-keyring.gpg] http://mirror/debian mos10.0-proposed
   * main restricted}.
   *
   * @param baseUrl where clients reach this repository's root (http://, https:// or file:)
   */
  public String sourcesListLine(PublishTarget target, String baseUrl) {
    Objects.requireNonNull(target, "target");
    if (baseUrl == null
        || baseUrl.isBlank()
        || baseUrl.strip().chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("base URL '" + baseUrl + "' must be one word");
    }
    String url = baseUrl.strip();
    while (url.endsWith("/") && !url.endsWith(":/") && !url.endsWith("://")) {
      url = url.substring(0, url.length() - 1);
    }
    return "deb [signed-by="
        + config.clientKeyring()
        + "] "
        + url
        + " "
        + target.codename()
        + " "
        + String.join(" ", config.components());
  }

  /** The published public key (binary keyring), beside its detached signature {@code .sig}. */
  public Path publicKey() {
    return config.root().resolve("project").resolve(KEYRING_NAME);
  }

  /**
   * Regenerates conf/distributions for the suites it already names plus {@code added}.
   *
   * @return whether it differs from the previous snapshot's
   */
  private boolean writeConf(SnapshotStore.Snapshot snapshot, List<String> added)
      throws IOException {
    Path conf = snapshot.dir().resolve("conf");
    Path distributions = conf.resolve("distributions");
    Files.createDirectories(conf);
    String previous =
        Files.exists(distributions) ? Files.readString(distributions, StandardCharsets.UTF_8) : "";
    List<String> codenames =
        DistributionsFile.withSuites(
            DistributionsFile.codenames(previous, distributions.toString()), added);
    String text = DistributionsFile.render(config, codenames);
    if (text.equals(previous)) {
      return false;
    }
    Files.writeString(distributions, text, StandardCharsets.UTF_8);
    return true;
  }

  /** Whether every suite in conf/distributions has signed Release files and the key is there. */
  private boolean isComplete(SnapshotStore.Snapshot snapshot) throws IOException {
    Path dists = snapshot.publicDir().resolve("dists");
    for (String codename : codenames(snapshot)) {
      Path suite = dists.resolve(codename);
      for (String name : List.of("Release", "InRelease", "Release.gpg")) {
        if (!Files.isRegularFile(suite.resolve(name))) {
          return false;
        }
      }
    }
    Path key = snapshot.publicDir().resolve("project").resolve(KEYRING_NAME);
    return Files.isRegularFile(key) && Files.isRegularFile(GpgKeyring.signatureOf(key));
  }

  /**
   * Exports suites that need it, then, at once: reads what the change did from reprepro's database
   * ({@code inspect}) and collects pool garbage, while publishing the public key and signing the
   * changed suites. The two touch different files and mostly wait on child processes; the database
   * is read before garbage collection writes to it.
   *
   * @param changed the suites whose contents changed
   * @return what {@code inspect} returned
   */
  private <T> T finish(
      SnapshotStore.Snapshot snapshot,
      Reprepro reprepro,
      boolean confChanged,
      Set<String> changed,
      Callable<T> inspect)
      throws IOException {
    Path dists = snapshot.publicDir().resolve("dists");
    List<String> codenames = codenames(snapshot);
    // A changed conf (a new release, a new Origin) must reach every Release file, not only the
    // suite reprepro just changed.
    List<String> toExport =
        confChanged
            ? codenames
            : codenames.stream()
                .filter(
                    codename -> !Files.isRegularFile(dists.resolve(codename).resolve("Release")))
                .toList();
    if (!toExport.isEmpty()) {
      reprepro.export(toExport);
    }
    return alongside(
        () -> {
          T value = inspect.call();
          collectPoolGarbage(snapshot, reprepro);
          return value;
        },
        () -> signer.sign(snapshot, codenames, toExport, changed));
  }

  /**
   * Runs {@code side} on a thread of its own while this thread runs {@code main}. Both have ended
   * when this returns or throws, so nothing still writes into a snapshot that a failure is about to
   * delete; {@code main}'s failure is the one thrown when both fail.
   */
  private static <T> T alongside(Callable<T> side, IoAction main) throws IOException {
    FutureTask<T> task = new FutureTask<>(side);
    new Thread(task, "publish-database").start();
    Throwable failure = null;
    try {
      main.run();
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    T value = null;
    while (true) {
      try {
        value = task.get();
        break;
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        } else {
          failure.addSuppressed(e.getCause());
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true; // still wait: the side task works in the snapshot
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof IOException e) {
      throw e;
    } else if (failure instanceof RuntimeException e) {
      throw e;
    } else if (failure instanceof Error e) {
      throw e;
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return value;
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /**
   * Deletes the pool files that no kept snapshot names any more, and records which files this
   * snapshot leaves unnamed. Files an older snapshot may still name stay, so readers of every kept
   * snapshot (clients mid-update, a mirror sync holding a pin) find all they were promised.
   */
  private static void collectPoolGarbage(SnapshotStore.Snapshot snapshot, Reprepro reprepro)
      throws IOException {
    PoolLedger ledger = PoolLedger.read(snapshot.dir());
    reprepro.deleteIfUnreferenced(ledger.releasable(snapshot.oldestKept()));
    ledger.next(reprepro.unreferenced(), snapshot.previousNumber()).write(snapshot.dir());
  }

  private static List<String> codenames(SnapshotStore.Snapshot snapshot) throws IOException {
    Path distributions = snapshot.dir().resolve("conf").resolve("distributions");
    return DistributionsFile.codenames(
        Files.readString(distributions, StandardCharsets.UTF_8), distributions.toString());
  }

  /** The releases conf/distributions describes. */
  private static List<Release> releases(SnapshotStore.Snapshot snapshot) throws IOException {
    Path distributions = snapshot.dir().resolve("conf").resolve("distributions");
    return DistributionsFile.releases(
        Files.readString(distributions, StandardCharsets.UTF_8), distributions.toString());
  }

  /** SHA-256 of each file of the upload whose name the pool already holds. */
  private Map<String, String> publishedChecksums(Path snapshot, ChangesFile changes)
      throws IOException {
    Map<String, String> checksums = new HashMap<>();
    for (Path file : poolPaths(snapshot, changes)) {
      if (Files.isRegularFile(file)) {
        checksums.put(file.getFileName().toString(), DebUpload.sha256(file));
      }
    }
    return checksums;
  }

  /** Where in the pool each file of an upload may go: the same name in every component. */
  private List<Path> poolPaths(Path snapshot, ChangesFile changes) {
    List<Path> paths = new ArrayList<>();
    for (String component : config.components()) {
      Path dir =
          snapshot
              .resolve(POOL)
              .resolve(component)
              .resolve(poolPrefix(changes.source()))
              .resolve(changes.source());
      changes.files().forEach(entry -> paths.add(dir.resolve(entry.name())));
    }
    return paths;
  }

  /** Debian's pool directory for a source: its first letter, or four for lib* packages. */
  static String poolPrefix(String source) {
    return source.startsWith("lib") && source.length() > 3
        ? source.substring(0, 4)
        : source.substring(0, 1);
  }

  /** Whether the suite holds every package file of the upload. */
  private static boolean alreadyHolds(List<HeldPackage> held, DebUpload upload) {
    Set<String> names = new LinkedHashSet<>();
    for (HeldPackage one : held) {
      if (one.sourceVersion().compareTo(upload.changes().version()) == 0) {
        names.add(one.fileName());
      }
    }
    return names.containsAll(upload.packageFileNames());
  }

  private static PublishResult.Published published(
      PublishTarget target, Map<String, List<HeldPackage>> held, List<ChangesFile> uploads) {
    List<String> packages = new ArrayList<>();
    for (ChangesFile upload : uploads) {
      held.getOrDefault(upload.source(), List.of()).stream()
          .filter(one -> one.sourceVersion().compareTo(upload.version()) == 0)
          .map(HeldPackage::describe)
          .forEach(packages::add);
    }
    return new PublishResult.Published(target, packages.stream().sorted().toList());
  }
}
