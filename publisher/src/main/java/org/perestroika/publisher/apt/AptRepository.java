package org.perestroika.publisher.apt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.mirror.ByHash;
import org.perestroika.publisher.mirror.SnapshotException;
import org.perestroika.publisher.mirror.SnapshotStore;
import org.perestroika.publisher.policy.PolicyViolation;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.signing.Gpgv;
import org.perestroika.publisher.signing.SigningKeyException;
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
  private final GpgKeyring keyring;
  private final Gpgv gpgv;
  private final SnapshotStore store;

  public AptRepository(AptRepositoryConfig config, CommandRunner runner, GpgKeyring keyring) {
    this.config = Objects.requireNonNull(config, "config");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.keyring = Objects.requireNonNull(keyring, "keyring");
    this.gpgv = new Gpgv(runner);
    this.store =
        new SnapshotStore(
            config.root(), Set.of(POOL), config.keepSnapshots(), config.lockTimeout());
  }

  public AptRepositoryConfig config() {
    return config;
  }

  /**
   * Publishes the upload described by {@code changesFile} to {@code target}, unless policy refuses
   * it. Publishing the same upload again is a success that changes nothing.
   *
   * @throws org.perestroika.publisher.InvalidUploadException when the upload's files are missing,
   *     misnamed or do not match the .changes (checked before the repository is touched)
   * @throws PublishException on infrastructure faults (a tool failed, the lock timed out, the root
   *     is not ours), with the cause attached and the repository left exactly as it was
   */
  public PublishResult publish(Path changesFile, PublishTarget target) {
    Objects.requireNonNull(target, "target");
    DebUpload upload = DebUpload.check(changesFile);
    ChangesFile changes = upload.changes();
    String codename = target.codename();
    try {
      return publishChecked(upload, target);
    } catch (SnapshotException
        | CommandFailedException
        | SigningKeyException
        | MalformedControlFileException
        | UncheckedIOException e) {
      throw new PublishException(
          "could not publish "
              + changes.source()
              + " "
              + changes.version()
              + " to "
              + codename
              + " in "
              + config.root()
              + ", the repository is unchanged: "
              + e.getMessage(),
          e);
    }
  }

  private PublishResult publishChecked(DebUpload upload, PublishTarget target) {
    ChangesFile changes = upload.changes();
    String codename = target.codename();
    return store.update(
        snapshot -> {
          Path dir = snapshot.dir();
          boolean confChanged = writeConf(snapshot, target.release());
          Reprepro reprepro = new Reprepro(runner, dir);
          List<HeldPackage> before = reprepro.listSource(codename, changes.source());
          Optional<DebianVersion> held =
              before.stream().map(HeldPackage::sourceVersion).max(DebianVersion::compareTo);
          List<PolicyViolation> violations =
              VersionPolicy.check(changes, codename, held, publishedChecksums(dir, changes));
          if (!violations.isEmpty()) {
            log.info("rejected {} for {}: {}", upload.changesFile(), codename, violations);
            return SnapshotStore.Outcome.abandon(new PublishResult.Rejected(violations));
          }
          if (alreadyHolds(before, upload) && !confChanged && isComplete(snapshot)) {
            log.info(
                "{} {} is already in {}: nothing to do",
                changes.source(),
                changes.version(),
                codename);
            return SnapshotStore.Outcome.abandon(published(target, before, changes));
          }
          reprepro.include(codename, upload.changesFile());
          // reprepro reports success even when it skipped the upload, so look for it.
          List<HeldPackage> after = reprepro.listSource(codename, changes.source());
          if (!alreadyHolds(after, upload)) {
            throw new PublishException(
                "reprepro reported success including "
                    + upload.changesFile()
                    + " into "
                    + codename
                    + " but the suite does not hold "
                    + upload.packageFileNames()
                    + " afterwards; it holds "
                    + after.stream().map(HeldPackage::describe).toList());
          }
          finish(snapshot, reprepro, confChanged);
          log.info(
              "published {} {} to {} in {}",
              changes.source(),
              changes.version(),
              codename,
              config.root());
          return SnapshotStore.Outcome.commit(published(target, after, changes));
        });
  }

  /**
   * Makes sure every suite of {@code release} exists, signed, even before anything is published to
   * it, so clients can list them all. Does nothing when they already do.
   */
  public void createRelease(Release release) {
    Objects.requireNonNull(release, "release");
    try {
      createReleaseChecked(release);
    } catch (SnapshotException
        | CommandFailedException
        | SigningKeyException
        | MalformedControlFileException
        | UncheckedIOException e) {
      throw new PublishException(
          "could not create the suites of "
              + release
              + " in "
              + config.root()
              + ", the repository is unchanged: "
              + e.getMessage(),
          e);
    }
  }

  private void createReleaseChecked(Release release) {
    store.update(
        snapshot -> {
          boolean confChanged = writeConf(snapshot, release);
          if (!confChanged && isComplete(snapshot)) {
            return SnapshotStore.Outcome.abandon(null);
          }
          finish(snapshot, new Reprepro(runner, snapshot.dir()), confChanged);
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
   * Regenerates conf/distributions for the releases it already names plus {@code release}.
   *
   * @return whether it differs from the previous snapshot's
   */
  private boolean writeConf(SnapshotStore.Snapshot snapshot, Release release) throws IOException {
    Path conf = snapshot.dir().resolve("conf");
    Path distributions = conf.resolve("distributions");
    Files.createDirectories(conf);
    String previous =
        Files.exists(distributions) ? Files.readString(distributions, StandardCharsets.UTF_8) : "";
    Set<Release> releases =
        new LinkedHashSet<>(DistributionsFile.releases(previous, distributions.toString()));
    releases.add(release);
    String text = DistributionsFile.render(config, new ArrayList<>(releases));
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
   * Exports suites that need it, publishes the public key, signs every Release and checks each
   * signature as a client would.
   */
  private void finish(SnapshotStore.Snapshot snapshot, Reprepro reprepro, boolean confChanged)
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
    Path key = exportKey(snapshot);
    for (String codename : codenames) {
      Path suite = dists.resolve(codename);
      Path release = suite.resolve("Release");
      if (!Files.isRegularFile(release)) {
        throw new PublishException("reprepro wrote no " + release);
      }
      // Clients fetch indices by hash, so a switch of snapshots between their reads is harmless.
      ByHash.declare(release);
      ByHash.link(
          suite,
          snapshot.kept().stream()
              .map(kept -> kept.resolve(snapshot.dir().relativize(suite)))
              .toList());
      keyring.clearsign(release, suite.resolve("InRelease"));
      keyring.detachSign(release, suite.resolve("Release.gpg"));
    }
    for (String codename : codenames) {
      Path suite = dists.resolve(codename);
      gpgv.verifyClearsigned(key, suite.resolve("InRelease"));
      gpgv.verifyDetached(key, suite.resolve("Release.gpg"), suite.resolve("Release"));
    }
    gpgv.verifyDetached(key, GpgKeyring.signatureOf(key), key);
  }

  /** Writes project/mos-archive-keyring.gpg and its .sig, unless the key is unchanged. */
  private Path exportKey(SnapshotStore.Snapshot snapshot) throws IOException {
    Path project = snapshot.publicDir().resolve("project");
    Files.createDirectories(project);
    Path key = project.resolve(KEYRING_NAME);
    Path fresh = project.resolve(KEYRING_NAME + ".new");
    keyring.exportPublicKey(fresh);
    Path freshSignature = GpgKeyring.signatureOf(fresh);
    if (Files.isRegularFile(key)
        && Files.isRegularFile(GpgKeyring.signatureOf(key))
        && Arrays.equals(Files.readAllBytes(key), Files.readAllBytes(fresh))) {
      // Keeping the old signature keeps the file byte-identical for mirrors.
      Files.delete(fresh);
      Files.delete(freshSignature);
      return key;
    }
    // The signature covers the key's bytes, not its name, so both move over unchanged.
    Files.move(fresh, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(
        freshSignature,
        GpgKeyring.signatureOf(key),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return key;
  }

  private static List<String> codenames(SnapshotStore.Snapshot snapshot) throws IOException {
    Path distributions = snapshot.dir().resolve("conf").resolve("distributions");
    return DistributionsFile.codenames(
        DistributionsFile.releases(
            Files.readString(distributions, StandardCharsets.UTF_8), distributions.toString()));
  }

  /** SHA-256 of each file of the upload whose name the pool already holds. */
  private Map<String, String> publishedChecksums(Path snapshot, ChangesFile changes)
      throws IOException {
    Map<String, String> checksums = new HashMap<>();
    Path pool = snapshot.resolve(POOL);
    for (String component : config.components()) {
      Path dir =
          pool.resolve(component).resolve(poolPrefix(changes.source())).resolve(changes.source());
      for (ChangesFile.Entry entry : changes.files()) {
        Path file = dir.resolve(entry.name());
        if (Files.isRegularFile(file)) {
          checksums.put(entry.name(), DebUpload.sha256(file));
        }
      }
    }
    return checksums;
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
      PublishTarget target, List<HeldPackage> held, ChangesFile changes) {
    return new PublishResult.Published(
        target,
        held.stream()
            .filter(one -> one.sourceVersion().compareTo(changes.version()) == 0)
            .map(HeldPackage::describe)
            .sorted()
            .toList());
  }
}
