package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.RsyncDaemon;
import org.perestroika.testing.TestingClock;

/** Syncs to real rsync daemons on 127.0.0.1 and looks at what the mirror host holds. */
class MirrorSyncIT {
  private static final Duration KEEP = Duration.ofDays(7);

  @TempDir Path dir;
  private Path root;
  private SnapshotStore debian;
  private RsyncDaemon daemon;
  private final CommandRunner runner = new ProcessCommandRunner();
  private final List<String> said = new ArrayList<>();

  @BeforeAll
  static void rsyncIsThere() {
    Requirements.requirePrograms("rsync");
  }

  @BeforeEach
  void setUp() {
    root = dir.resolve("repos");
    debian =
        new SnapshotStore(
            root.resolve("debian"),
            Set.of(Path.of("public")),
            Set.of(Path.of("public/pool")),
            3,
            Duration.ofSeconds(30));
    daemon = RsyncDaemon.start(dir.resolve("mirror-host"));
  }

  @AfterEach
  void tearDown() {
    daemon.close();
  }

  /** Publishes a snapshot that adds or replaces {@code files} (paths under public/). */
  private void publish(Map<String, byte[]> files) {
    debian.update(
        snapshot -> {
          for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path path = snapshot.publicDir().resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(path);
            Files.write(path, file.getValue());
          }
          return SnapshotStore.Outcome.commit(null);
        });
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private MirrorSync.Result sync(CommandRunner tools, Clock clock) {
    return new MirrorSync(tools, clock, said::add)
        .sync(root, MirrorDestination.parse(daemon.url()), KEEP);
  }

  private MirrorSync.Result sync() {
    return sync(runner, Clock.systemUTC());
  }

  private Path served() {
    return daemon.module().resolve("debian");
  }

  private List<String> mirrorSnapshots() throws IOException {
    try (Stream<Path> entries = Files.list(daemon.module().resolve(".snapshots"))) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void onlyWhatChangedTravelsAndTheRestIsHardLinkedOnTheMirror() throws IOException {
    publish(Map.of("pool/a.deb", random(1 << 20, 1), "dists/x/Release", "one".getBytes()));
    MirrorSync.Result first = sync();
    Path firstTree = daemon.module().resolve(".snapshots/" + first.snapshot() + "/debian");
    assertEquals(
        Path.of(".snapshots", first.snapshot(), "debian"), Files.readSymbolicLink(served()));
    assertEquals("one", Files.readString(served().resolve("dists/x/Release")));
    assertTrue(first.bytesSent() > 1 << 20, "the first sync sends everything: " + first);

    publish(Map.of("pool/b.deb", random(10_000, 2), "dists/x/Release", "two".getBytes()));
    MirrorSync.Result second = sync();

    assertEquals(
        Path.of(".snapshots", second.snapshot(), "debian"), Files.readSymbolicLink(served()));
    assertEquals("two", Files.readString(served().resolve("dists/x/Release")));
    assertEquals(10_003, second.transfers().get(0).literalBytes(), second.toString());
    assertTrue(second.bytesSent() < 100_000, second.toString());
    Path secondTree = daemon.module().resolve(".snapshots/" + second.snapshot() + "/debian");
    assertEquals(
        Files.getAttribute(firstTree.resolve("pool/a.deb"), "unix:ino"),
        Files.getAttribute(secondTree.resolve("pool/a.deb"), "unix:ino"),
        "an unchanged file is a hard link to the previous snapshot's on the mirror");
    assertEquals("one", Files.readString(firstTree.resolve("dists/x/Release")));
    // The module keeps links exactly as sent (munge symlinks = no): what the check relies on.
    assertEquals(
        Path.of("debian"),
        Files.readSymbolicLink(
            daemon.module().resolve(".snapshots/" + second.snapshot() + "/.served")));
    assertEquals(List.of(first.snapshot(), second.snapshot()), mirrorSnapshots());
  }

  @Test
  void aFileRewrittenWithTheSameSizeWithinOneSecondStillTravels() throws IOException {
    java.time.Instant second = java.time.Instant.parse("2026-11-21T12:00:00Z");
    publish(Map.of("dists/x/Release", "v1".getBytes()));
    Files.setLastModifiedTime(
        root.resolve("debian/dists/x/Release"),
        java.nio.file.attribute.FileTime.from(second.plusMillis(100)));
    sync();
    publish(Map.of("dists/x/Release", "v2".getBytes()));
    Files.setLastModifiedTime(
        root.resolve("debian/dists/x/Release"),
        java.nio.file.attribute.FileTime.from(second.plusMillis(700)));

    sync();

    assertEquals("v2", Files.readString(served().resolve("dists/x/Release")));
  }

  @Test
  void aModuleThatMungesLinksIsRefusedBeforeAnythingIsServed() throws IOException {
    daemon.close();
    daemon = RsyncDaemon.start(dir.resolve("munging-host"), RsyncDaemon.DEFAULT_LINK_SETTINGS);
    publish(Map.of("dists/x/Release", "one".getBytes()));

    MirrorException e =
        org.junit.jupiter.api.Assertions.assertThrows(MirrorException.class, this::sync);

    assertTrue(e.getMessage().contains("set `munge symlinks = no`"), e.getMessage());
    assertTrue(e.getMessage().contains("the mirror serves nothing yet"), e.getMessage());
    assertFalse(Files.exists(served(), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    String snapshot = mirrorSnapshots().get(0);
    String munged =
        Files.readSymbolicLink(daemon.module().resolve(".snapshots/" + snapshot + "/.served"))
            .toString();
    assertTrue(munged.startsWith("/rsyncd-munged/"), munged);
  }

  @Test
  void theServedLinkIsNeverMissingWhileItIsSwitched() throws Exception {
    publish(Map.of("dists/x/Release", "v0".getBytes()));
    sync();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    CompletableFuture<List<String>> reader =
        CompletableFuture.supplyAsync(
            () -> {
              List<String> failures = new ArrayList<>();
              while (!stop.get()) {
                try {
                  Files.readString(served().resolve("dists/x/Release"));
                  reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                  failures.add(e.toString());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
              return failures;
            });
    for (int round = 1; round <= 30; round++) {
      publish(Map.of("dists/x/Release", ("v" + round).getBytes()));
      sync();
    }
    stop.set(true);
    assertEquals(List.of(), reader.get(1, TimeUnit.MINUTES));
    assertTrue(reads.get() > 0);
    assertEquals("v30", Files.readString(served().resolve("dists/x/Release")));
  }

  @Test
  void aDaemonStoppedMidTransferLeavesTheOldSnapshotServedAndTheNextSyncResumes() throws Exception {
    publish(Map.of("dists/x/Release", "one".getBytes()));
    String live = sync().snapshot();
    int size = 64 << 20;
    byte[] big = random(size, 3);
    publish(Map.of("pool/big.deb", big, "dists/x/Release", "two".getBytes()));
    // The sender is slowed down so that the daemon is stopped with the file half sent.
    CommandRunner throttled =
        command -> {
          if (!command.argv().contains("--stats")) {
            return runner.run(command);
          }
          List<String> argv = new ArrayList<>(command.argv());
          argv.add(1, "--bwlimit=8m");
          return runner.run(
              new Command(argv, command.environment(), command.workDir(), command.timeout()));
        };
    CompletableFuture<MirrorSync.Result> interrupted =
        CompletableFuture.supplyAsync(() -> sync(throttled, Clock.systemUTC()));
    awaitPartOfTheFileOnTheMirror(16 << 20);
    daemon.stop();

    Throwable failure =
        org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> interrupted.get(5, TimeUnit.MINUTES))
            .getCause();
    MirrorException e = assertInstanceOf(MirrorException.class, failure);
    assertTrue(e.getMessage().startsWith("mirror sync to " + daemon.url()), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                daemon.url()
                    + " still serves its previous snapshot .snapshots/"
                    + live
                    + ": nothing was switched"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Run the same command again"), e.getMessage());
    assertEquals(Path.of(".snapshots", live, "debian"), Files.readSymbolicLink(served()));
    assertEquals("one", Files.readString(served().resolve("dists/x/Release")));
    String unfinished = mirrorSnapshots().get(1);
    Path partial =
        daemon.module().resolve(".snapshots/" + unfinished + "/debian/pool/.rsync-partial/big.deb");
    long kept = Files.size(partial);
    assertTrue(kept >= 16 << 20, "kept " + kept + " bytes of the half-sent file");

    daemon.restart();
    MirrorSync.Result resumed = sync();

    assertTrue(resumed.resumed());
    assertEquals(unfinished, resumed.snapshot());
    MirrorSync.Transfer transfer = resumed.transfers().get(0);
    assertTrue(
        transfer.literalBytes() <= size - kept + 4096,
        "sent " + transfer.literalBytes() + " bytes of file data, " + kept + " were there");
    assertTrue(resumed.bytesSent() < size - kept / 2, resumed.toString());
    assertEquals(Path.of(".snapshots", unfinished, "debian"), Files.readSymbolicLink(served()));
    assertEquals(
        -1, Files.mismatch(served().resolve("pool/big.deb"), root.resolve("debian/pool/big.deb")));
    assertFalse(Files.exists(served().resolve("pool/.rsync-partial")));
    assertEquals(List.of(live, unfinished), mirrorSnapshots());
  }

  private void awaitPartOfTheFileOnTheMirror(long bytes) throws Exception {
    Path snapshots = daemon.module().resolve(".snapshots");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      Optional<Long> received;
      try (Stream<Path> files = Files.walk(snapshots)) {
        received =
            files
                .filter(path -> path.getFileName().toString().startsWith(".big.deb."))
                .map(
                    path -> {
                      try {
                        return Files.size(path);
                      } catch (IOException e) {
                        return 0L;
                      }
                    })
                .findFirst();
      } catch (UncheckedIOException | NoSuchFileException e) {
        received = Optional.empty();
      }
      if (received.orElse(0L) >= bytes) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the transfer never got under way: " + said);
  }

  @Test
  void snapshotsThatStoppedBeingServedLongAgoAreDeletedNeverTheLastTwo() throws IOException {
    TestingClock clock = TestingClock.at("2026-11-01T00:00:00Z");
    List<MirrorSync.Result> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      publish(Map.of("dists/x/Release", ("v" + i).getBytes()));
      results.add(sync(runner, clock));
      clock.advance(Duration.ofDays(3));
    }

    // Made on days 0, 3, 6, 9 and 12: the first stopped being served on day 3, more than seven
    // days before the last sync; the one of day 3 was replaced on day 6, within the seven days.
    assertEquals(
        List.of("20261104T000000Z", "20261107T000000Z", "20261110T000000Z", "20261113T000000Z"),
        mirrorSnapshots());
    assertEquals(List.of("20261101T000000Z"), results.get(4).deleted());
    assertEquals("v4", Files.readString(served().resolve("dists/x/Release")));

    clock.advance(Duration.ofDays(30));
    publish(Map.of("dists/x/Release", "v5".getBytes()));
    MirrorSync.Result late = sync(runner, clock);
    assertEquals(List.of("20261113T000000Z", late.snapshot()), mirrorSnapshots());
  }
}
