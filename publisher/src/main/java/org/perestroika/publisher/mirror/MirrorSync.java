package org.perestroika.publisher.mirror;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * Publishes the current snapshot of every OS family tree under a repository root (such as {@code
 * <root>/debian}) to a mirror with rsync, so that the mirror's clients never see a half-updated
 * tree.
 *
 * <p>Layout on the mirror, for a daemon destination {@code rsync://mirror/mos}:
 *
 * <pre>
 * debian -> .snapshots/20261121T120000Z/debian
 * .snapshots/20261120T093000Z/debian/...   the previous snapshot, kept for readers mid-download
 * .snapshots/20261121T120000Z/debian/...   the current one
 * </pre>
 *
 * <p>Each sync sends the trees into a new snapshot directory with {@code --link-dest} to the
 * current one, so only what changed travels and everything else is hard-linked on the mirror. Only
 * when every tree has arrived complete are the links switched. rsync replaces an existing symbolic
 * link by creating the new one under a temporary name beside it and renaming it over the old one
 * ({@code atomic_create} in rsync's generator.c; not when {@code --temp-dir} or {@code --backup} is
 * given, which is why they never are), and rename(2) is atomic on the receiver: a reader resolves
 * either the old link or the new one, never none. That holds for a daemon too, where no remote
 * command can run. Within one snapshot apt never meets a hash-sum mismatch, because the publisher
 * marks Release files {@code Acquire-By-Hash} and keeps earlier snapshots' indices by hash (see
 * {@link ByHash}).
 *
 * <p>A transfer that breaks off leaves its snapshot directory unlinked, with partly sent files in
 * {@code .rsync-partial}; the next sync sends into that same directory and so resumes. The served
 * links stay as they were until a transfer completes.
 *
 * <p>An rsync daemon module needs {@code read only = no}, {@code munge symlinks = no} (its default
 * is yes whenever {@code use chroot = no}, and a munged link serves nothing) and must not refuse
 * {@code delete}.
 */
public final class MirrorSync {
  public static final String SNAPSHOTS = ".snapshots";
  static final String PARTIAL_DIR = ".rsync-partial";

  /** A link in each snapshot on a daemon, to its first tree, that proves links keep working. */
  static final String PROBE = ".served";

  static final Duration IO_TIMEOUT = Duration.ofMinutes(5);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TRANSFER_LIMIT = Duration.ofHours(24);
  private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);
  private static final DateTimeFormatter ID_FORMAT =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z");
  private static final Pattern LISTING = Pattern.compile("(\\S+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+(.+)");

  private final CommandRunner runner;
  private final Clock clock;
  private final Consumer<String> progress;

  /**
   * @param progress receives a line for each step, for a person watching
   */
  public MirrorSync(CommandRunner runner, Clock clock, Consumer<String> progress) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Brings {@code mirror} up to the current snapshot of every family tree under {@code repoRoot},
   * then deletes the mirror's snapshots that stopped being served more than {@code keep} ago, never
   * the current or the previous one.
   *
   * @throws MirrorException when the mirror cannot be reached or the transfer breaks off (the
   *     mirror then still serves what it served before), or the mirror holds something in the way
   */
  public Result sync(Path repoRoot, MirrorDestination mirror, Duration keep) {
    Objects.requireNonNull(mirror, "mirror");
    if (keep.isNegative()) {
      throw new IllegalArgumentException("keep must not be negative: " + keep);
    }
    Path root = repoRoot.toAbsolutePath().normalize();
    List<String> families = families(root);
    Path work = root.resolve(".mirror");
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + work, e);
    }
    // Closing the channel releases the lock.
    try (FileChannel channel =
        FileChannel.open(
            work.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      lock(channel, work);
      List<SnapshotStore.Pin> pins = new ArrayList<>();
      try {
        for (String family : families) {
          pins.add(
              new SnapshotStore(root.resolve(family), Set.of(), Set.of(), 1, LOCK_TIMEOUT)
                  .pinCurrent());
        }
        return syncPinned(work, families, pins, mirror, keep);
      } finally {
        pins.forEach(SnapshotStore.Pin::close);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + work.resolve("lock"), e);
    }
  }

  private static void lock(FileChannel channel, Path work) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new MirrorException(
          "another mirror sync from "
              + work.getParent()
              + " is running (it holds "
              + work.resolve("lock")
              + "); run this one again when it has finished");
    }
  }

  /** The family trees under a repository root: links made by a {@link SnapshotStore}. */
  static List<String> families(Path root) {
    if (!Files.isDirectory(root)) {
      throw new MirrorException(
          "repository root " + root + " does not exist: publish something first, or name it");
    }
    try (Stream<Path> entries = Files.list(root)) {
      List<String> families =
          entries
              .filter(Files::isSymbolicLink)
              .map(entry -> entry.getFileName().toString())
              .filter(name -> Files.isDirectory(root.resolve("." + name + ".snapshots")))
              .sorted()
              .toList();
      if (families.isEmpty()) {
        throw new MirrorException(
            "nothing to mirror: "
                + root
                + " holds no published tree (such as debian -> .debian.snapshots/...); publish"
                + " something first, or name the repository root with --repo-root");
      }
      return families;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  private Result syncPinned(
      Path work,
      List<String> families,
      List<SnapshotStore.Pin> pins,
      MirrorDestination mirror,
      Duration keep) {
    Listing listing = list(mirror);
    for (String family : families) {
      checkServedPath(listing, mirror, family);
    }
    Optional<String> current = listing.live().stream().max(String::compareTo);
    List<String> unfinished =
        listing.snapshots().stream()
            .filter(id -> !listing.live().contains(id))
            .filter(id -> current.isEmpty() || id.compareTo(current.get()) > 0)
            .toList();
    boolean resumed = !unfinished.isEmpty();
    String id = resumed ? unfinished.get(unfinished.size() - 1) : newId(listing.snapshots());
    String served =
        current.map(c -> "it serves " + SNAPSHOTS + "/" + c).orElse("it serves nothing yet");
    progress.accept(
        (resumed ? "resuming the interrupted transfer into " : "sending into ")
            + mirror.resolve(SNAPSHOTS + "/" + id)
            + " ("
            + served
            + ")");

    List<Transfer> transfers = new ArrayList<>();
    for (int i = 0; i < families.size(); i++) {
      String family = families.get(i);
      SnapshotStore.Pin pin = pins.get(i);
      // A snapshot reaches its shared pool through a link to a directory outside it; the mirror
      // gets the directory itself, linked to its previous snapshot's files by --link-dest.
      List<String> argv =
          new ArrayList<>(List.of("rsync", "--archive", "--hard-links", "--copy-dirlinks"));
      // Release files are rewritten with the same size, possibly within one second: only the
      // nanoseconds of their times tell them apart, and rsync compares whole seconds by default.
      argv.addAll(
          List.of(
              "--modify-window=-1",
              "--delete",
              "--partial-dir=" + PARTIAL_DIR,
              "--mkpath",
              "--stats"));
      Optional<String> previous = Optional.ofNullable(listing.links().get(family)).map(Link::id);
      previous.ifPresent(p -> argv.add("--link-dest=../../" + p + "/" + family));
      argv.addAll(remoteOptions(mirror));
      argv.add(pin.publicDir() + "/");
      argv.add(mirror.resolve(SNAPSHOTS + "/" + id + "/" + family + "/"));
      Command command = Command.of(argv).withTimeout(TRANSFER_LIMIT);
      CommandResult result = run(command, mirror, "sending " + family + " into " + id, current);
      Transfer transfer = Transfer.parse(family, pin.snapshot(), result.stdout());
      transfers.add(transfer);
      progress.accept(
          family
              + " (local snapshot "
              + pin.snapshot().getFileName()
              + "): sent "
              + transfer.bytesSent()
              + " bytes, "
              + transfer.filesTransferred()
              + " files changed, "
              + transfer.literalBytes()
              + " bytes of file data");
    }

    if (mirror.kind() == MirrorDestination.Kind.DAEMON) {
      checkLinksServe(work, families.get(0), id, mirror, current);
    }
    switchTo(work, families, id, mirror, current);
    progress.accept(
        "switched "
            + String.join(", ", families.stream().map(f -> mirror.resolve(f)).toList())
            + " to "
            + SNAPSHOTS
            + "/"
            + id);

    Set<String> liveNow = new TreeSet<>();
    liveNow.add(id);
    listing
        .links()
        .forEach(
            (name, link) -> {
              if (!families.contains(name)) {
                liveNow.add(link.id());
              }
            });
    List<String> doomed = expired(listing.snapshots(), id, liveNow, unfinished, keep);
    Optional<String> retentionProblem = Optional.empty();
    if (!doomed.isEmpty()) {
      try {
        delete(work, mirror, doomed);
        progress.accept("deleted old snapshots " + String.join(", ", doomed));
      } catch (MirrorException e) {
        // The new snapshot is live already; what is left over is deleted by the next sync.
        retentionProblem = Optional.of(e.getMessage());
        progress.accept("could not delete old snapshots: " + e.getMessage());
      }
    }
    return new Result(
        mirror,
        id,
        resumed,
        transfers,
        retentionProblem.isPresent() ? List.of() : doomed,
        retentionProblem);
  }

  /** The served path must be a link into {@code .snapshots}, or not exist yet. */
  private static void checkServedPath(Listing listing, MirrorDestination mirror, String family) {
    if (listing.others().contains(family)) {
      throw new MirrorException(
          mirror.resolve(family)
              + " exists and is not a link to a snapshot made by perestroika; syncing would"
              + " replace it. Move it away on the mirror, or sync to another path");
    }
    Link link = listing.links().get(family);
    if (link != null && !link.target().equals(SNAPSHOTS + "/" + link.id() + "/" + family)) {
      throw new MirrorException(
          mirror.resolve(family)
              + " links to "
              + link.target()
              + ", not to "
              + SNAPSHOTS
              + "/<snapshot>/"
              + family
              + "; it was not made by perestroika. Move it away on the mirror, or sync to"
              + " another path");
    }
  }

  /** A snapshot id after every existing one, from the clock. */
  private String newId(List<String> existing) {
    Instant now = clock.instant();
    String newest = existing.isEmpty() ? "" : existing.get(existing.size() - 1);
    String id = ID_FORMAT.format(now);
    while (id.compareTo(newest) <= 0) {
      now = now.plusSeconds(1);
      id = ID_FORMAT.format(now);
    }
    return id;
  }

  /**
   * The snapshots to delete: unfinished ones that were never served, and those that stopped being
   * served (their successor was made) more than {@code keep} ago, sparing every live snapshot and
   * the one before each.
   */
  private List<String> expired(
      List<String> snapshots, String id, Set<String> live, List<String> unfinished, Duration keep) {
    List<String> doomed = new ArrayList<>();
    TreeSet<String> served = new TreeSet<>(snapshots);
    served.add(id);
    for (String one : unfinished) {
      if (!one.equals(id)) {
        served.remove(one);
        doomed.add(one);
      }
    }
    Set<String> spared = new TreeSet<>(live);
    for (String one : live) {
      Optional.ofNullable(served.lower(one)).ifPresent(spared::add);
    }
    Instant cutoff = clock.instant().minus(keep);
    for (String one : served) {
      String successor = served.higher(one);
      if (!spared.contains(one) && successor != null && !instant(successor).isAfter(cutoff)) {
        doomed.add(one);
      }
    }
    return doomed.stream().sorted().toList();
  }

  private static Instant instant(String id) {
    return Instant.from(ID_FORMAT.parse(id));
  }

  /** What the mirror holds: its top-level entries and the snapshot directories. */
  private Listing list(MirrorDestination mirror) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "rsync",
                "--list-only",
                "--links",
                "--recursive",
                "--filter=- /" + SNAPSHOTS + "/*/*",
                "--filter=+ /" + SNAPSHOTS + "/*",
                "--filter=- /*/*"));
    argv.addAll(remoteOptions(mirror));
    argv.add(mirror.resolve(""));
    Command command = Command.of(argv).withTimeout(IO_TIMEOUT.multipliedBy(2));
    CommandResult result = runner.run(command);
    if (result.exitCode() == 23 && result.stderr().contains("No such file or directory")) {
      return new Listing(Map.of(), Set.of(), List.of());
    }
    if (!result.succeeded()) {
      throw new MirrorException(
          "cannot reach mirror "
              + mirror
              + ": "
              + describe(command, result)
              + ". Nothing was changed on the mirror; run again once it answers");
    }
    return Listing.parse(result.stdout());
  }

  /**
   * Makes sure a link sent to the daemon leads where it says: a module that munges links (rsync's
   * default without chroot) would otherwise take every served path off the air at the switch.
   */
  private void checkLinksServe(
      Path work, String family, String id, MirrorDestination mirror, Optional<String> current) {
    Path probe = work.resolve("probe");
    FileTrees.delete(probe);
    try {
      Files.createDirectories(probe);
      Files.createSymbolicLink(probe.resolve(PROBE), Path.of(family));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a link to probe with in " + probe, e);
    }
    String snapshot = SNAPSHOTS + "/" + id + "/";
    List<String> send = new ArrayList<>(List.of("rsync", "--links"));
    send.addAll(remoteOptions(mirror));
    send.add(probe.resolve(PROBE).toString());
    send.add(mirror.resolve(snapshot));
    run(
        Command.of(send).withTimeout(IO_TIMEOUT.multipliedBy(2)),
        mirror,
        "checking links",
        current);
    List<String> follow = new ArrayList<>(List.of("rsync", "--list-only"));
    follow.addAll(remoteOptions(mirror));
    follow.add(mirror.resolve(snapshot + PROBE + "/"));
    CommandResult result =
        runRaw(Command.of(follow).withTimeout(IO_TIMEOUT.multipliedBy(2)), mirror);
    // 23: the daemon could not follow the link (no such file, or too many levels of links).
    if (result.exitCode() == 23) {
      throw new MirrorException(
          "the rsync daemon module at "
              + mirror
              + " does not keep symbolic links as sent ("
              + mirror.resolve(snapshot + PROBE)
              + " leads nowhere), so the served links would lead nowhere either: set `munge"
              + " symlinks = no` for the module in rsyncd.conf. Nothing was switched; "
              + current
                  .map(c -> "the mirror still serves " + SNAPSHOTS + "/" + c)
                  .orElse("the mirror serves nothing yet"));
    }
    if (!result.succeeded()) {
      run(Command.of(follow), mirror, "checking links", current);
    }
  }

  private void switchTo(
      Path work,
      List<String> families,
      String id,
      MirrorDestination mirror,
      Optional<String> current) {
    Path links = work.resolve("links");
    FileTrees.delete(links);
    List<String> argv = new ArrayList<>(List.of("rsync", "--links"));
    argv.addAll(remoteOptions(mirror));
    try {
      Files.createDirectories(links);
      for (String family : families) {
        Path link = links.resolve(family);
        Files.createSymbolicLink(link, Path.of(SNAPSHOTS, id, family));
        argv.add(link.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the links to switch to in " + links, e);
    }
    argv.add(mirror.resolve(""));
    run(Command.of(argv).withTimeout(IO_TIMEOUT.multipliedBy(2)), mirror, "switching", current);
  }

  /** Deletes whole snapshot directories: an empty source, everything but them excluded. */
  private void delete(Path work, MirrorDestination mirror, List<String> snapshots) {
    Path empty = work.resolve("empty");
    FileTrees.delete(empty);
    try {
      Files.createDirectories(empty);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + empty, e);
    }
    List<String> argv = new ArrayList<>(List.of("rsync", "--recursive", "--delete"));
    snapshots.forEach(id -> argv.add("--include=/" + id + "/***"));
    argv.add("--exclude=*");
    argv.addAll(remoteOptions(mirror));
    argv.add(empty + "/");
    argv.add(mirror.resolve(SNAPSHOTS + "/"));
    Command command = Command.of(argv).withTimeout(TRANSFER_LIMIT);
    CommandResult result = runRaw(command, mirror);
    if (!result.succeeded()) {
      throw new MirrorException(describe(command, result));
    }
  }

  private CommandResult run(
      Command command, MirrorDestination mirror, String step, Optional<String> current) {
    CommandResult result = runRaw(command, mirror);
    if (result.succeeded()) {
      return result;
    }
    String served =
        current
            .map(c -> mirror + " still serves its previous snapshot " + SNAPSHOTS + "/" + c)
            .orElse(mirror + " serves nothing yet, as before");
    throw new MirrorException(
        "mirror sync to "
            + mirror
            + " failed "
            + step
            + ": "
            + describe(command, result)
            + ".\n"
            + served
            + (step.equals("switching")
                ? " for every tree not yet switched; each tree is complete either way."
                : ": nothing was switched.")
            + " Run the same command again to finish: what arrived is kept and not sent again.");
  }

  private CommandResult runRaw(Command command, MirrorDestination mirror) {
    try {
      return runner.run(command);
    } catch (CommandFailedException e) {
      throw new MirrorException(
          "mirror sync to " + mirror + " could not run rsync: " + e.getMessage(), e);
    }
  }

  private static String describe(Command command, CommandResult result) {
    String output = result.stderr().isBlank() ? result.stdout() : result.stderr();
    String tail = output.strip();
    if (tail.length() > 1500) {
      tail = "..." + tail.substring(tail.length() - 1500);
    }
    return meaning(result.exitCode())
        + " (`"
        + command.display()
        + "` exited with "
        + result.exitCode()
        + (tail.isEmpty() ? "" : ": " + tail)
        + ")";
  }

  /** rsync's exit codes, as its manual lists them, in words a person acts on. */
  static String meaning(int exitCode) {
    return switch (exitCode) {
      case 5 -> "the rsync daemon refused the session (no such module, or access denied)";
      case 10 -> "could not connect to the mirror, or the connection failed";
      case 12 -> "the connection broke off: the mirror went away";
      case 20 -> "rsync was interrupted";
      case 23 -> "some files could not be transferred";
      case 24 -> "files vanished from the source during the transfer";
      case 30 -> "the mirror stopped answering (I/O timeout)";
      case 35 -> "the connection to the mirror timed out";
      case 255 -> "ssh could not reach the mirror";
      default -> "rsync failed";
    };
  }

  private static List<String> remoteOptions(MirrorDestination mirror) {
    return switch (mirror.kind()) {
      case DAEMON ->
          List.of(
              "--contimeout=" + CONNECT_TIMEOUT.toSeconds(), "--timeout=" + IO_TIMEOUT.toSeconds());
      case SHELL ->
          List.of(
              "--rsh=ssh -o BatchMode=yes -o ConnectTimeout=" + CONNECT_TIMEOUT.toSeconds(),
              "--timeout=" + IO_TIMEOUT.toSeconds());
      case LOCAL -> List.of();
    };
  }

  /** A served link on the mirror: {@code target} is {@code .snapshots/<id>/<family>}. */
  record Link(String target, String id) {}

  /**
   * The mirror's top level as {@code rsync --list-only} shows it.
   *
   * @param links served links into a snapshot, by name
   * @param others every other top-level entry (directories, files, foreign links)
   * @param snapshots snapshot ids, oldest first
   */
  record Listing(Map<String, Link> links, Set<String> others, List<String> snapshots) {
    Set<String> live() {
      Set<String> ids = new TreeSet<>();
      links.values().forEach(link -> ids.add(link.id()));
      return ids;
    }

    static Listing parse(String output) {
      Map<String, Link> links = new TreeMap<>();
      Set<String> others = new TreeSet<>();
      Set<String> snapshots = new TreeSet<>();
      Pattern snapshotTarget = Pattern.compile(Pattern.quote(SNAPSHOTS) + "/(" + ID + ")/.+");
      for (String line : output.lines().toList()) {
        Matcher entry = LISTING.matcher(line.strip());
        if (!entry.matches()) {
          continue;
        }
        String mode = entry.group(1);
        String name = entry.group(2);
        if (name.equals(".") || name.equals(SNAPSHOTS)) {
          continue;
        }
        if (name.startsWith(SNAPSHOTS + "/")) {
          String id = name.substring(SNAPSHOTS.length() + 1);
          if (mode.startsWith("d") && ID.matcher(id).matches()) {
            snapshots.add(id);
          }
          continue;
        }
        int arrow = name.indexOf(" -> ");
        if (mode.startsWith("l") && arrow > 0) {
          String linkName = name.substring(0, arrow);
          String target = name.substring(arrow + 4);
          Matcher into = snapshotTarget.matcher(target);
          if (into.matches()) {
            links.put(linkName, new Link(target, into.group(1)));
          } else {
            others.add(linkName);
          }
          continue;
        }
        others.add(name);
      }
      return new Listing(links, others, List.copyOf(snapshots));
    }
  }

  /**
   * What one family's transfer cost, from {@code rsync --stats}.
   *
   * @param source the local snapshot sent
   * @param bytesSent everything rsync sent, protocol included
   * @param literalBytes file data that had to travel (the rest matched what the mirror had)
   * @param filesTransferred regular files created or updated
   */
  public record Transfer(
      String family, Path source, long bytesSent, long literalBytes, long filesTransferred) {
    static Transfer parse(String family, Path source, String stats) {
      return new Transfer(
          family,
          source,
          number(stats, "Total bytes sent"),
          number(stats, "Literal data"),
          number(stats, "Number of regular files transferred"));
    }

    private static long number(String stats, String label) {
      return stats
          .lines()
          .filter(line -> line.startsWith(label + ":"))
          .map(line -> line.substring(label.length() + 1).strip().split("\\s+")[0])
          .map(word -> word.replaceAll("[^0-9]", ""))
          .filter(digits -> !digits.isEmpty())
          .mapToLong(Long::parseLong)
          .findFirst()
          .orElse(0);
    }
  }

  /**
   * What a sync did.
   *
   * @param snapshot the id of the snapshot now served
   * @param resumed whether it finished a transfer an earlier sync had begun
   * @param deleted the old snapshots deleted
   * @param retentionProblem why old snapshots could not be deleted, if they could not
   */
  public record Result(
      MirrorDestination mirror,
      String snapshot,
      boolean resumed,
      List<Transfer> transfers,
      List<String> deleted,
      Optional<String> retentionProblem) {
    public Result {
      transfers = List.copyOf(transfers);
      deleted = List.copyOf(deleted);
    }

    public long bytesSent() {
      return transfers.stream().mapToLong(Transfer::bytesSent).sum();
    }
  }
}
