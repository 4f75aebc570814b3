package org.perestroika.publisher.mirror;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.perestroika.core.file.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A published tree kept as numbered snapshots, with {@code root} a symbolic link to the current
 * snapshot's {@code public/} directory that is replaced atomically, so readers see either the old
 * tree or the new one and a failed change leaves the old one untouched.
 *
 * <p>Layout, for {@code root = /srv/repos/debian}:
 *
 * <pre>
 * /srv/repos/debian -> .debian.snapshots/000012/public
 * /srv/repos/.debian.snapshots/lock
 * /srv/repos/.debian.snapshots/shared/public/pool/...
 * /srv/repos/.debian.snapshots/000011/{conf,db,public/{dists,project,pool -> ../../shared/public/pool}}
 * /srv/repos/.debian.snapshots/000012/{conf,db,public/{dists,project,pool -> ../../shared/public/pool}}
 * /srv/repos/.debian.snapshots/.spare/...   a snapshot no longer kept, which the next change reuses
 * </pre>
 *
 * <p>Each change works on a copy of the current snapshot in which the directories named as
 * hard-linked (such as {@code public}) share their files with the previous snapshot, and everything
 * else (such as a tool's database) is copied. That is only safe because the tools never rewrite a
 * file in those directories in place: they add, unlink, or write a new file and rename it over the
 * old one. So a change costs a link per file, not a copy of the repository, and pruning a snapshot
 * frees only what no newer snapshot shares. A pruned snapshot becomes the spare, and the next
 * change starts from it: its copy then costs only the files that differ from the current snapshot.
 *
 * <p>Directories named as shared (such as {@code public/pool}) exist once, under {@code shared/},
 * and every snapshot links to them: a change costs nothing for them however many files they hold.
 * Their owner only adds files while any kept snapshot may name them, registers what a change adds
 * ({@link Snapshot#added}) so that a failed change takes it away again, and removes files that no
 * kept snapshot names any more ({@link Snapshot#oldestKept}). One instance per root per process.
 */
public final class SnapshotStore {
  public static final String PUBLIC = "public";

  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
  private static final Pattern NUMBERED = Pattern.compile("[0-9]{6}");
  private static final String PARTIAL_PREFIX = ".partial-";
  private static final String PIN_SUFFIX = ".pin";
  private static final String SHARED = "shared";
  private static final String SPARE = ".spare";
  private static final Duration LOCK_POLL = Duration.ofMillis(200);

  private final Path root;
  private final Path snapshots;
  private final Set<Path> hardLinked;
  private final Set<Path> shared;
  private final int keep;
  private final Duration lockTimeout;

  /**
   * @param root the path clients are served from; becomes a symbolic link
   * @param hardLinked directories, relative to a snapshot, whose files are shared between snapshots
   *     by hard links, e.g. {@code public}
   * @param shared directories, relative to a snapshot, that all snapshots share through a symbolic
   *     link, e.g. {@code public/pool}
   * @param keep how many snapshots to keep, the current one included
   * @param lockTimeout how long to wait for another change to the same root to finish
   */
  public SnapshotStore(
      Path root, Set<Path> hardLinked, Set<Path> shared, int keep, Duration lockTimeout) {
    this.root = root.toAbsolutePath().normalize();
    if (this.root.getParent() == null) {
      throw new IllegalArgumentException("snapshot root cannot be the file system root");
    }
    this.snapshots = this.root.resolveSibling("." + this.root.getFileName() + ".snapshots");
    this.hardLinked = Set.copyOf(hardLinked);
    this.shared = Set.copyOf(shared);
    for (Path dir : Stream.concat(this.hardLinked.stream(), this.shared.stream()).toList()) {
      if (dir.isAbsolute() || dir.normalize().startsWith("..") || dir.getNameCount() == 0) {
        throw new IllegalArgumentException("snapshot directory " + dir + " must be relative");
      }
    }
    if (keep < 1) {
      throw new IllegalArgumentException("must keep at least one snapshot, got " + keep);
    }
    this.keep = keep;
    this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
  }

  public Path root() {
    return root;
  }

  public Path snapshotsDir() {
    return snapshots;
  }

  /**
   * The current snapshot directory (the parent of the {@code public/} that root links to), or empty
   * before the first change.
   *
   * @throws SnapshotException when root exists but is not a link this store made
   */
  public Optional<Path> current() {
    if (Files.notExists(root, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> existing = numbered();
      if (!existing.isEmpty()) {
        throw new SnapshotException(
            root
                + " is missing but "
                + snapshots
                + " holds snapshots: restore the link with `ln -s "
                + root.getParent().relativize(existing.get(existing.size() - 1).resolve(PUBLIC))
                + " "
                + root
                + "`, or remove "
                + snapshots
                + " to start an empty repository");
      }
      return Optional.empty();
    }
    if (!Files.isSymbolicLink(root)) {
      throw new SnapshotException(
          root
              + " exists and is not a link to a snapshot made by perestroika; publishing would"
              + " replace it. Move it away, or publish to a new path");
    }
    Path target;
    try {
      target = Files.readSymbolicLink(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path resolved = root.getParent().resolve(target).normalize();
    Path snapshot = resolved.getParent();
    if (snapshot == null
        || !resolved.getFileName().toString().equals(PUBLIC)
        || !snapshots.equals(snapshot.getParent())
        || !NUMBERED.matcher(snapshot.getFileName().toString()).matches()) {
      throw new SnapshotException(
          root
              + " links to "
              + target
              + ", not to a snapshot under "
              + snapshots
              + "; it was not made by perestroika. Move it away, or publish to a new path");
    }
    if (!Files.isDirectory(resolved)) {
      throw new SnapshotException(root + " links to " + target + ", which does not exist");
    }
    return Optional.of(snapshot);
  }

  /**
   * Applies {@code change} to a copy of the current snapshot under an exclusive lock. If the change
   * asks to commit, the copy becomes current and old snapshots beyond the kept number are retired;
   * if it abandons, the copy is retired, and if it throws, deleted; root is not touched either way.
   */
  public <T> T update(Change<T> change) {
    return locked(() -> updateLocked(change));
  }

  /** Runs {@code work} holding the root's exclusive lock, which closing the channel releases. */
  private <T> T locked(LockedWork<T> work) {
    try {
      Files.createDirectories(snapshots);
    } catch (IOException e) {
      throw new SnapshotException("cannot create " + snapshots + ": " + e, e);
    }
    try (FileChannel channel =
        FileChannel.open(
            snapshots.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      acquire(channel);
      return work.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  private interface LockedWork<T> {
    T run() throws IOException;
  }

  /**
   * Pins the current snapshot so that pruning leaves it alone until the pin is closed, for readers
   * that take long, such as a transfer to a mirror. Other processes see the pin too: it is a shared
   * lock on a file beside the snapshot, released when this process dies.
   *
   * @throws SnapshotException when nothing was published yet, or root is not ours
   */
  public Pin pinCurrent() {
    // Under the lock, so that no prune runs between finding the snapshot and pinning it.
    return locked(
        () -> {
          Path snapshot =
              current().orElseThrow(() -> new SnapshotException(root + " has no snapshot yet"));
          FileChannel pin =
              FileChannel.open(
                  pinFile(snapshot),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
          try {
            return new Pin(snapshot, pin.lock(0, Long.MAX_VALUE, true));
          } catch (IOException | RuntimeException e) {
            pin.close();
            throw e;
          }
        });
  }

  private Path pinFile(Path snapshot) {
    return snapshots.resolve(snapshot.getFileName() + PIN_SUFFIX);
  }

  /** Whether a reader holds a pin on {@code snapshot}, in this process or another. */
  private boolean isPinned(Path snapshot) throws IOException {
    Path file = pinFile(snapshot);
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  private <T> T updateLocked(Change<T> change) throws IOException {
    Optional<Path> current = current();
    removeLeftovers(current);
    int number =
        numbered().stream()
                .mapToInt(dir -> Integer.parseInt(dir.getFileName().toString()))
                .max()
                .orElse(0)
            + 1;
    String name = String.format("%06d", number);
    Path work = snapshots.resolve(PARTIAL_PREFIX + name);
    Path done = snapshots.resolve(name);
    Outcome<T> outcome;
    Map<Path, Path> sharedDirs = new HashMap<>();
    shared.forEach(relative -> sharedDirs.put(relative, sharedDir(relative)));
    Snapshot snapshot = new Snapshot(work, current, sharedDirs);
    try {
      if (current.isPresent()) {
        copySnapshot(current.get(), work);
      } else {
        Files.createDirectories(work.resolve(PUBLIC));
      }
      linkShared(current, work);
      outcome = change.apply(snapshot);
      if (!outcome.commit()) {
        removeAdded(snapshot.added);
        retire(work);
        return outcome.value();
      }
      syncNewFiles(work);
      syncAdded(snapshot.added);
      Files.move(work, done, StandardCopyOption.ATOMIC_MOVE);
      switchTo(done);
    } catch (IOException | RuntimeException | Error e) {
      try {
        removeAdded(snapshot.added);
      } catch (IOException | RuntimeException removing) {
        e.addSuppressed(removing);
      }
      discard(work, e);
      discard(done, e);
      throw e;
    }
    log.info("{} now serves snapshot {}", root, name);
    try {
      force(snapshots);
      force(root.getParent());
    } catch (IOException e) {
      log.warn("could not flush the switch of {} to disk: {}", root, e.toString());
    }
    prune(done);
    return outcome.value();
  }

  /** Deletes what a failed change left, keeping the change's own failure as the one reported. */
  private static void discard(Path dir, Throwable failure) {
    try {
      FileTrees.delete(dir);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private void acquire(FileChannel channel) throws IOException {
    long deadline = System.nanoTime() + lockTimeout.toNanos();
    boolean told = false;
    while (true) {
      try {
        if (channel.tryLock() != null) {
          return;
        }
      } catch (OverlappingFileLockException e) {
        // Another thread of this process holds it: wait just as for another process.
      }
      if (System.nanoTime() > deadline) {
        throw new SnapshotException(
            "gave up after "
                + lockTimeout
                + " waiting for another change to "
                + root
                + " to finish (lock "
                + snapshots.resolve("lock")
                + ")");
      }
      if (!told) {
        log.info("waiting for another change to {} to finish", root);
        told = true;
      }
      try {
        Thread.sleep(LOCK_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SnapshotException("interrupted waiting for the lock on " + root, e);
      }
    }
  }

  /** Half-made snapshots of a change that died, and snapshots made but never switched to. */
  private void removeLeftovers(Optional<Path> current) throws IOException {
    int currentNumber =
        current.map(dir -> Integer.parseInt(dir.getFileName().toString())).orElse(0);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(snapshots)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        boolean partial = name.startsWith(PARTIAL_PREFIX);
        boolean orphan = NUMBERED.matcher(name).matches() && Integer.parseInt(name) > currentNumber;
        if (partial || orphan) {
          log.warn("removing {}, left by a change that did not finish", entry);
          FileTrees.delete(entry);
        }
      }
    }
  }

  private List<Path> numbered() {
    if (!Files.isDirectory(snapshots)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(snapshots)) {
      return entries
          .filter(entry -> NUMBERED.matcher(entry.getFileName().toString()).matches())
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes {@code to} a copy of the snapshot {@code from}: hard links in the hard-linked
   * directories, byte copies elsewhere, shared directories left to {@link #linkShared}. The copy
   * starts from the spare (a retired snapshot) when there is one, so only what changed since is
   * touched: unlinking a file that is on disk costs far more than linking one, and a snapshot holds
   * hundreds of files of which a change replaces a few.
   */
  private void copySnapshot(Path from, Path to) throws IOException {
    Path spare = snapshots.resolve(SPARE);
    if (Files.isDirectory(spare, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(spare, to, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.createDirectory(to);
    }
    mirror(from, to, Path.of(""));
  }

  /** Makes the directory {@code to} hold what {@code from} holds; both are {@code relative}. */
  private void mirror(Path from, Path to, Path relative) throws IOException {
    Map<String, BasicFileAttributes> stale = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(to)) {
      for (Path entry : entries) {
        stale.put(entry.getFileName().toString(), attributes(entry));
      }
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      for (Path source : entries) {
        String name = source.getFileName().toString();
        Path path = relative.resolve(name);
        Path target = to.resolve(name);
        BasicFileAttributes existing = stale.remove(name);
        if (shared.contains(path)) {
          continue;
        }
        BasicFileAttributes attrs = attributes(source);
        if (attrs.isDirectory()) {
          if (existing != null && !existing.isDirectory()) {
            FileTrees.delete(target);
            existing = null;
          }
          if (existing == null) {
            Files.createDirectory(target);
          }
          mirror(source, target, path);
        } else if (attrs.isRegularFile() && isHardLinked(path)) {
          if (existing != null && Objects.equals(existing.fileKey(), attrs.fileKey())) {
            continue; // the same file: never rewritten in place, so still the same bytes
          }
          FileTrees.delete(target);
          Files.createLink(target, source);
        } else if (attrs.isRegularFile() && existing != null && isOwnFile(target, existing)) {
          overwrite(source, target);
        } else {
          FileTrees.delete(target);
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        if (attrs.isRegularFile() && !isHardLinked(path)) {
          // A copy keeps only microseconds; a mirror sync compares nanoseconds, and would take an
          // unchanged file for a changed one.
          Files.setLastModifiedTime(target, attrs.lastModifiedTime());
        }
      }
    }
    for (String name : stale.keySet()) {
      if (!shared.contains(relative.resolve(name))) {
        FileTrees.delete(to.resolve(name));
      }
    }
  }

  /** Whether {@code file} is a regular file that no other path names. */
  private static boolean isOwnFile(Path file, BasicFileAttributes attrs) throws IOException {
    return attrs.isRegularFile() && linkCount(file) == 1;
  }

  private static int linkCount(Path file) throws IOException {
    return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
  }

  /**
   * Writes {@code source}'s bytes and permissions over {@code target}'s: cheaper than replacing the
   * file, whose blocks the file system would free only to allocate new ones.
   */
  private static void overwrite(Path source, Path target) throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
      long size = in.size();
      for (long done = 0; done < size; ) {
        long copied = out.transferFrom(in, done, size - done);
        if (copied == 0) {
          throw new IOException(source + " shrank while it was copied to " + target);
        }
        done += copied;
      }
      out.truncate(size);
    }
    Files.setPosixFilePermissions(
        target, Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
  }

  private static BasicFileAttributes attributes(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Sets aside a snapshot that is no longer needed as the spare the next change starts from, or
   * deletes it when there is a spare already. Either way no reader finds it any more.
   */
  private void retire(Path snapshot) throws IOException {
    Path spare = snapshots.resolve(SPARE);
    if (Files.notExists(spare, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(snapshot, spare, StandardCopyOption.ATOMIC_MOVE);
    } else {
      FileTrees.delete(snapshot);
    }
  }

  private boolean isHardLinked(Path relative) {
    return hardLinked.stream().anyMatch(relative::startsWith);
  }

  /**
   * Links each shared directory into a new snapshot. A previous snapshot that still holds one as a
   * directory of its own (made before the directory was shared) gives its files to the shared one
   * by hard links, once.
   */
  private void linkShared(Optional<Path> previous, Path snapshot) throws IOException {
    for (Path relative : shared) {
      Path common = sharedDir(relative);
      Files.createDirectories(common);
      if (previous.isPresent()) {
        Path own = previous.get().resolve(relative);
        if (Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
          log.info("sharing {} of {} with later snapshots", relative, previous.get());
          linkMissing(own, common);
        }
      }
      Path link = snapshot.resolve(relative);
      Path target = link.getParent().relativize(common);
      if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
        continue; // the spare's link
      }
      FileTrees.delete(link);
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, target);
    }
  }

  private static void linkMissing(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir)));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file));
            if (attrs.isRegularFile() && Files.notExists(target, LinkOption.NOFOLLOW_LINKS)) {
              Files.createLink(target, file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private Path sharedDir(Path relative) {
    return snapshots.resolve(SHARED).resolve(relative);
  }

  /** Takes back what a change that did not commit added to shared directories. */
  private void removeAdded(List<Path> added) throws IOException {
    for (Path file : added) {
      Files.deleteIfExists(file);
      // The directories the tool made for it, which no other file needs.
      for (Path dir = file.getParent();
          dir != null && dir.startsWith(snapshots.resolve(SHARED)) && isEmpty(dir);
          dir = dir.getParent()) {
        Files.delete(dir);
      }
    }
  }

  private boolean isEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        || shared.stream().map(this::sharedDir).anyMatch(dir::equals)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Flushes the files a change added to shared directories, and the directories naming them. */
  private void syncAdded(List<Path> added) throws IOException {
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path file : added) {
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        force(file);
        for (Path dir = file.getParent();
            dir != null && dir.startsWith(snapshots.resolve(SHARED));
            dir = dir.getParent()) {
          dirs.add(dir);
        }
      }
    }
    for (Path dir : dirs) {
      force(dir);
    }
  }

  /**
   * Flushes what this change wrote (files not shared with an older snapshot, and directories) so
   * that root never points at a snapshot whose data is still only in the page cache.
   */
  private static void syncNewFiles(Path snapshot) throws IOException {
    Files.walkFileTree(
        snapshot,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (isOwnFile(file, attrs)) {
              force(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            force(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void force(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private void switchTo(Path snapshot) throws IOException {
    Path target = root.getParent().relativize(snapshot.resolve(PUBLIC));
    Path link = root.resolveSibling("." + root.getFileName() + ".link-" + snapshot.getFileName());
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, target);
    try {
      // rename(2) replaces the old link in one step: there is no moment without a root.
      Files.move(link, root, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(link);
      throw e;
    }
  }

  private void prune(Path current) {
    List<Path> older = numbered().stream().filter(dir -> dir.compareTo(current) <= 0).toList();
    for (int i = 0; i < older.size() - keep; i++) {
      Path old = older.get(i);
      try {
        if (isPinned(old)) {
          log.info("keeping old snapshot {} while a reader has it pinned", old);
          continue;
        }
        retire(old);
        Files.deleteIfExists(pinFile(old));
        log.info("retired old snapshot {}", old);
      } catch (IOException | UncheckedIOException e) {
        // The new snapshot is live already; an old one left behind is retried next time.
        log.warn("could not retire old snapshot {}: {}", old, e.toString());
      }
    }
  }

  /** A change to apply to a snapshot copy. */
  @FunctionalInterface
  public interface Change<T> {
    /**
     * Changes {@code snapshot} in place and says whether to make it current.
     *
     * @throws IOException to abandon the snapshot; so does any unchecked exception
     */
    Outcome<T> apply(Snapshot snapshot) throws IOException;
  }

  /**
   * The copy being changed: {@code dir} holds whatever the previous snapshot held ({@code public/}
   * at least), {@code previous} is the snapshot it was copied from.
   */
  public static final class Snapshot {
    private final Path dir;
    private final Optional<Path> previous;
    private final Map<Path, Path> sharedDirs;
    private final List<Path> added = new ArrayList<>();

    Snapshot(Path dir, Optional<Path> previous, Map<Path, Path> sharedDirs) {
      this.dir = Objects.requireNonNull(dir, "dir");
      this.previous = Objects.requireNonNull(previous, "previous");
      this.sharedDirs = Map.copyOf(sharedDirs);
    }

    public Path dir() {
      return dir;
    }

    public Optional<Path> previous() {
      return previous;
    }

    /** The directory root will link to once this snapshot is current. */
    public Path publicDir() {
      return dir.resolve(PUBLIC);
    }

    /**
     * Registers files that the change is about to add to a shared directory, reached through this
     * snapshot: they are flushed to disk if the change commits and deleted if it does not. A file
     * that never appears is fine.
     */
    public void added(Path file) {
      Path relative = dir.relativize(file.toAbsolutePath().normalize());
      Path common =
          sharedDirs.entrySet().stream()
              .filter(entry -> relative.startsWith(entry.getKey()))
              .map(entry -> entry.getValue().resolve(entry.getKey().relativize(relative)))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(file + " is in no shared directory of " + dir));
      added.add(common);
    }

    /**
     * Every earlier snapshot still kept, newest (the previous one) first: what readers may still be
     * reading while this one goes live.
     */
    public List<Path> kept() {
      if (previous.isEmpty()) {
        return List.of();
      }
      try (Stream<Path> entries = Files.list(previous.get().getParent())) {
        return entries
            .filter(entry -> NUMBERED.matcher(entry.getFileName().toString()).matches())
            .filter(Files::isDirectory)
            .sorted(Comparator.reverseOrder())
            .toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The number of the oldest snapshot still kept (pinned ones included), or of this one when it
     * is the first: a file in a shared directory that no snapshot from it on names can go.
     */
    public int oldestKept() {
      List<Path> kept = kept();
      return kept.isEmpty() ? number(dir) : number(kept.get(kept.size() - 1));
    }

    /** The number of the previous snapshot, 0 when this is the first. */
    public int previousNumber() {
      return previous.map(SnapshotStore::number).orElse(0);
    }
  }

  /** A snapshot directory's number: 12 for {@code 000012} (and for {@code .partial-000012}). */
  static int number(Path snapshot) {
    String name = snapshot.getFileName().toString();
    return Integer.parseInt(name.substring(name.length() - 6));
  }

  /**
   * A reader's hold on one snapshot: until it is closed, pruning skips {@link #snapshot()}.
   *
   * @param snapshot the snapshot directory; its {@code public/} is what root served when pinned
   */
  public record Pin(Path snapshot, FileLock lock) implements AutoCloseable {
    public Pin {
      Objects.requireNonNull(snapshot, "snapshot");
      Objects.requireNonNull(lock, "lock");
    }

    public Path publicDir() {
      return snapshot.resolve(PUBLIC);
    }

    /** Releases the pin; the snapshot is pruned by a later change if it is old enough. */
    @Override
    public void close() {
      try {
        lock.acquiredBy().close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The result of a change and whether its snapshot should become current. */
  public record Outcome<T>(T value, boolean commit) {
    public static <T> Outcome<T> commit(T value) {
      return new Outcome<>(value, true);
    }

    public static <T> Outcome<T> abandon(T value) {
      return new Outcome<>(value, false);
    }
  }
}
