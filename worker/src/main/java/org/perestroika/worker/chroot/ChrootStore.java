package org.perestroika.worker.chroot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.model.Dist;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.worker.container.ContainerInfo;
import org.perestroika.worker.container.ContainerRuntime;

/**
 * Build chroots under {@code <state>/chroots/<dist>/<snapshot id>}, with a {@code current} symlink
 * per dist that is switched atomically. A snapshot is never changed once current: an update copies
 * it, upgrades the copy, checks it, and only then switches, so a failed update leaves the old
 * chroot working and builds already running finish on the snapshot they started with.
 */
public final class ChrootStore {
  /** Container label naming the chroot snapshot a build uses, so pruning can spare it. */
  public static final String CHROOT_LABEL = "org.perestroika.chroot";

  private static final DateTimeFormatter SNAPSHOT_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String CURRENT = "current";
  private static final String PARTIAL = ".partial";
  private static final Duration DEBOOTSTRAP_TIMEOUT = Duration.ofMinutes(30);

  private final Path root;
  private final CommandRunner runner;
  private final ContainerRuntime containers;
  private final Clock clock;

  public ChrootStore(Path root, CommandRunner runner, ContainerRuntime containers, Clock clock) {
    this.root = root;
    this.runner = runner;
    this.containers = containers;
    this.clock = clock;
  }

  /** The snapshot builds of this dist use now, resolved so that a later switch cannot move it. */
  public Optional<ChrootSnapshot> current(String dist) {
    Path link = root.resolve(dist).resolve(CURRENT);
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    try {
      return Optional.of(snapshotAt(dist, link.toRealPath()));
    } catch (IOException e) {
      throw new EnvironmentException(
          "the chroot link "
              + link
              + " is broken: run `perestroika chroot update --dist "
              + dist
              + "` to make a fresh snapshot",
          false,
          e);
    }
  }

  /** Like {@link #current} but fails with what to run when the dist has no chroot yet. */
  public ChrootSnapshot require(String dist) {
    return current(dist)
        .orElseThrow(
            () ->
                new EnvironmentException(
                    "there is no chroot for "
                        + dist
                        + " yet: run `perestroika chroot create --dist "
                        + dist
                        + "` (or `perestroika setup`)",
                    false));
  }

  /** Bootstraps the first snapshot of a dist. Refuses when one exists: that is an update. */
  public ChrootSnapshot create(Dist dist, Consumer<String> progress) {
    if (current(dist.name()).isPresent()) {
      throw new IllegalStateException(
          "a chroot for "
              + dist.name()
              + " exists; use `perestroika chroot update --dist "
              + dist.name()
              + "` to refresh it");
    }
    String id = newSnapshotId(dist.name());
    Path partial = partialDir(dist.name(), id);
    try {
      Files.createDirectories(partial.getParent());
      progress.accept("debootstrap " + dist.name() + " from " + dist.mirror());
      runner.check(
          Command.of(
                  "debootstrap",
                  "--variant=buildd",
                  "--include=fakeroot",
                  dist.name(),
                  partial.toString(),
                  dist.mirror().toString())
              .withTimeout(DEBOOTSTRAP_TIMEOUT));
      // The package lists go into the snapshot: builds install from them without refreshing.
      runner.check(
          Command.of(
                  "chroot", partial.toString(), "/bin/sh", "-c", "apt-get update && apt-get clean")
              .withTimeout(DEBOOTSTRAP_TIMEOUT));
      return commit(dist.name(), id, partial);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      deleteQuietly(partial);
      throw e;
    }
  }

  /**
   * Makes a new snapshot from the current one with every package upgraded, checks it, switches to
   * it, and prunes snapshots that neither are current nor serve a running build.
   */
  public ChrootSnapshot update(Dist dist, Consumer<String> progress) {
    ChrootSnapshot old = require(dist.name());
    String id = newSnapshotId(dist.name());
    Path partial = partialDir(dist.name(), id);
    try {
      progress.accept("copying " + old.label() + " to " + partial.getFileName());
      runner.check(
          Command.of("cp", "-a", "--reflink=auto", old.directory().toString(), partial.toString()));
      progress.accept("upgrading packages");
      runner.check(
          Command.of(
                  "chroot",
                  partial.toString(),
                  "/bin/sh",
                  "-c",
                  "apt-get update && apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade"
                      + " && apt-get clean")
              .withEnvironment(java.util.Map.of("DEBIAN_FRONTEND", "noninteractive"))
              .withTimeout(DEBOOTSTRAP_TIMEOUT));
      // dpkg --audit prints nothing when every package is fully installed.
      String audit =
          runner.check(Command.of("chroot", partial.toString(), "dpkg", "--audit")).stdout();
      if (!audit.isBlank()) {
        throw new EnvironmentException(
            "the upgraded chroot has half-installed packages; kept the old one:\n" + audit, false);
      }
      ChrootSnapshot fresh = commit(dist.name(), id, partial);
      prune(dist.name(), progress);
      return fresh;
    } catch (RuntimeException e) {
      deleteQuietly(partial);
      throw e;
    }
  }

  /** Every snapshot of every dist, newest first within a dist. */
  public List<ChrootSnapshot> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<ChrootSnapshot> all = new ArrayList<>();
    try (Stream<Path> dists = Files.list(root)) {
      for (Path distDir : dists.filter(Files::isDirectory).sorted().toList()) {
        all.addAll(snapshots(distDir.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** Disk use of a snapshot in bytes, as du counts it (hard links once). */
  public long sizeBytes(ChrootSnapshot snapshot) {
    String out = runner.check(Command.of("du", "-sb", snapshot.directory().toString())).stdout();
    return Long.parseLong(out.split("\\s+")[0]);
  }

  /** Deletes snapshots of a dist that are not current and that no container uses. */
  public void prune(String dist, Consumer<String> progress) {
    Optional<ChrootSnapshot> current = current(dist);
    Set<String> inUse =
        containers.listByLabel(CHROOT_LABEL).stream()
            .map(ContainerInfo::labels)
            .map(labels -> labels.get(CHROOT_LABEL))
            .collect(Collectors.toSet());
    for (ChrootSnapshot snapshot : snapshots(dist)) {
      boolean isCurrent = current.map(c -> c.id().equals(snapshot.id())).orElse(false);
      if (!isCurrent && !inUse.contains(snapshot.label())) {
        progress.accept("removing unused snapshot " + snapshot.label());
        runner.check(Command.of("rm", "-rf", "--one-file-system", snapshot.directory().toString()));
      }
    }
  }

  private List<ChrootSnapshot> snapshots(String dist) {
    Path distDir = root.resolve(dist);
    if (!Files.isDirectory(distDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(distDir)) {
      return entries
          .filter(p -> !Files.isSymbolicLink(p) && Files.isDirectory(p))
          .filter(p -> !p.getFileName().toString().endsWith(PARTIAL))
          .flatMap(p -> parseId(p).stream().map(at -> snapshotAt(dist, p)))
          .sorted(Comparator.comparing(ChrootSnapshot::createdAt).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ChrootSnapshot commit(String dist, String id, Path partial) {
    Path distDir = root.resolve(dist);
    Path done = distDir.resolve(id);
    Path link = distDir.resolve(CURRENT);
    Path nextLink = distDir.resolve(CURRENT + ".next");
    try {
      Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(nextLink);
      Files.createSymbolicLink(nextLink, done.getFileName());
      // rename(2) over the old link: readers see the old snapshot or the new one, never neither.
      Files.move(
          nextLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not switch " + link + " to " + id, e);
    }
    return snapshotAt(dist, done);
  }

  private String newSnapshotId(String dist) {
    Instant now = clock.instant();
    String id = SNAPSHOT_ID.format(now);
    // Two updates within one second would collide; the later one waits its turn by a second.
    while (Files.exists(root.resolve(dist).resolve(id)) || Files.exists(partialDir(dist, id))) {
      now = now.plusSeconds(1);
      id = SNAPSHOT_ID.format(now);
    }
    return id;
  }

  private Path partialDir(String dist, String id) {
    return root.resolve(dist).resolve(id + PARTIAL);
  }

  private static Optional<Instant> parseId(Path dir) {
    try {
      return Optional.of(Instant.from(SNAPSHOT_ID.parse(dir.getFileName().toString())));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static ChrootSnapshot snapshotAt(String dist, Path dir) {
    Instant createdAt = parseId(dir).orElse(Instant.EPOCH);
    return new ChrootSnapshot(dist, dir.getFileName().toString(), dir, createdAt);
  }

  private void deleteQuietly(Path dir) {
    if (Files.exists(dir)) {
      runner.run(Command.of("rm", "-rf", "--one-file-system", dir.toString()));
    }
  }
}
