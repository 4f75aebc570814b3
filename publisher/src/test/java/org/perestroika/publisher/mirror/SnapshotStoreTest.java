package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.file.FileTrees;

class SnapshotStoreTest {
  @TempDir Path dir;

  private SnapshotStore store(int keep) {
    return new SnapshotStore(
        dir.resolve("debian"),
        Set.of(Path.of("public/pool")),
        Set.of(),
        keep,
        Duration.ofSeconds(5));
  }

  private static SnapshotStore.Outcome<String> write(
      SnapshotStore.Snapshot snapshot, String name, String text) throws IOException {
    Path file = snapshot.dir().resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return SnapshotStore.Outcome.commit(name);
  }

  private static void awaitOrFail(CountDownLatch latch) throws IOException {
    try {
      assertTrue(latch.await(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private List<String> snapshotNames() throws IOException {
    try (Stream<Path> entries = Files.list(dir.resolve(".debian.snapshots"))) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void firstCommitCreatesTheLinkToTheSnapshotsPublicTree() throws IOException {
    SnapshotStore store = store(3);
    assertEquals(Optional.empty(), store.current());
    String value = store.update(snapshot -> write(snapshot, "public/dists/a/Release", "one"));
    assertEquals("public/dists/a/Release", value);
    Path root = dir.resolve("debian");
    assertTrue(Files.isSymbolicLink(root));
    assertEquals(Path.of(".debian.snapshots/000001/public"), Files.readSymbolicLink(root));
    assertEquals("one", Files.readString(root.resolve("dists/a/Release")));
    assertEquals(Optional.of(dir.resolve(".debian.snapshots/000001")), store.current());
    assertEquals(List.of("000001", "lock"), snapshotNames());
  }

  @Test
  void poolFilesAreSharedAndEverythingElseIsCopied() throws IOException {
    SnapshotStore store = store(3);
    store.update(
        snapshot -> {
          write(snapshot, "public/pool/main/h/hello/hello.deb", "deb");
          write(snapshot, "db/packages.db", "db1");
          return write(snapshot, "public/dists/a/Release", "one");
        });
    store.update(
        snapshot -> {
          assertEquals(Optional.of(dir.resolve(".debian.snapshots/000001")), snapshot.previous());
          Path deb = snapshot.dir().resolve("public/pool/main/h/hello/hello.deb");
          Path old = dir.resolve(".debian.snapshots/000001/public/pool/main/h/hello/hello.deb");
          assertEquals(Files.getAttribute(old, "unix:ino"), Files.getAttribute(deb, "unix:ino"));
          Path release = snapshot.dir().resolve("public/dists/a/Release");
          assertFalse(
              Files.getAttribute(release, "unix:ino")
                  .equals(
                      Files.getAttribute(
                          dir.resolve(".debian.snapshots/000001/public/dists/a/Release"),
                          "unix:ino")));
          // What a repository tool does: unlink pool files, rewrite everything else in place.
          Files.delete(deb);
          Files.writeString(snapshot.dir().resolve("db/packages.db"), "db2");
          return write(snapshot, "public/dists/a/Release", "two");
        });
    Path first = dir.resolve(".debian.snapshots/000001");
    assertEquals("deb", Files.readString(first.resolve("public/pool/main/h/hello/hello.deb")));
    assertEquals("db1", Files.readString(first.resolve("db/packages.db")));
    assertEquals("one", Files.readString(first.resolve("public/dists/a/Release")));
    assertEquals("two", Files.readString(dir.resolve("debian/dists/a/Release")));
    assertFalse(Files.exists(dir.resolve("debian/pool/main/h/hello/hello.deb")));
  }

  private SnapshotStore sharingPool(int keep) {
    return new SnapshotStore(
        dir.resolve("debian"),
        Set.of(Path.of("public")),
        Set.of(Path.of("public/pool")),
        keep,
        Duration.ofSeconds(5));
  }

  @Test
  void aSharedDirectoryIsOneForAllSnapshotsAndCostsNothingToCopy() throws IOException {
    SnapshotStore store = sharingPool(2);
    store.update(
        snapshot -> {
          Path deb = snapshot.publicDir().resolve("pool/main/h/hello/hello_1.deb");
          snapshot.added(deb);
          write(snapshot, "public/pool/main/h/hello/hello_1.deb", "one");
          return write(snapshot, "public/dists/a/Release", "one");
        });
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "two"));
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "three"));

    Path shared = dir.resolve(".debian.snapshots/shared/public/pool");
    for (String snapshot : List.of("000002", "000003")) {
      Path pool = dir.resolve(".debian.snapshots/" + snapshot + "/public/pool");
      assertTrue(Files.isSymbolicLink(pool));
      assertEquals(Path.of("../../shared/public/pool"), Files.readSymbolicLink(pool));
    }
    assertEquals("one", Files.readString(shared.resolve("main/h/hello/hello_1.deb")));
    assertEquals("one", Files.readString(dir.resolve("debian/pool/main/h/hello/hello_1.deb")));
    assertEquals(List.of(".spare", "000002", "000003", "lock", "shared"), snapshotNames());
  }

  /** What a repository tool does to a hard-linked file: unlink it and write a new one. */
  private static SnapshotStore.Outcome<String> replace(
      SnapshotStore.Snapshot snapshot, String name, String text) throws IOException {
    Files.deleteIfExists(snapshot.dir().resolve(name));
    return write(snapshot, name, text);
  }

  private static Object inode(Path path) throws IOException {
    return Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void aChangeStartsFromTheRetiredSnapshotAndGetsExactlyTheCurrentOne() throws IOException {
    SnapshotStore store = sharingPool(1);
    Path snapshots = dir.resolve(".debian.snapshots");
    store.update(
        snapshot -> {
          write(snapshot, "public/dists/a/Packages", "packages");
          write(snapshot, "public/dists/b/Release", "b");
          write(snapshot, "db/packages.db", "db1");
          return write(snapshot, "public/dists/a/Release", "one");
        });
    store.update(
        snapshot -> {
          FileTrees.delete(snapshot.publicDir().resolve("dists/b"));
          write(snapshot, "public/dists/c/Release", "c");
          Files.writeString(snapshot.dir().resolve("db/packages.db"), "db2");
          return replace(snapshot, "public/dists/a/Release", "two");
        });
    // Only one snapshot is kept: the first one is the spare now.
    assertEquals(List.of(".spare", "000002", "lock", "shared"), snapshotNames());
    Object spare = inode(snapshots.resolve(".spare"));
    Object spareDatabase = inode(snapshots.resolve(".spare/db/packages.db"));
    Path current = snapshots.resolve("000002");

    store.update(
        snapshot -> {
          Path work = snapshot.dir();
          assertEquals(spare, inode(work), "the change works in the spare");
          for (String file : List.of("public/dists/a/Packages", "public/dists/a/Release")) {
            assertEquals(inode(current.resolve(file)), inode(work.resolve(file)), file);
          }
          assertEquals("two", Files.readString(work.resolve("public/dists/a/Release")));
          assertFalse(Files.exists(work.resolve("public/dists/b"), LinkOption.NOFOLLOW_LINKS));
          assertEquals("c", Files.readString(work.resolve("public/dists/c/Release")));
          assertEquals("db2", Files.readString(work.resolve("db/packages.db")));
          assertEquals(
              spareDatabase,
              inode(work.resolve("db/packages.db")),
              "a database is copied, never shared: over the spare's own copy");
          assertEquals(
              Path.of("../../shared/public/pool"),
              Files.readSymbolicLink(work.resolve("public/pool")));
          replace(snapshot, "public/dists/a/Release", "three");
          assertEquals("two", Files.readString(current.resolve("public/dists/a/Release")));
          return SnapshotStore.Outcome.commit("three");
        });
    assertEquals("three", Files.readString(dir.resolve("debian/dists/a/Release")));
  }

  @Test
  void anAbandonedChangeIsTheNextOnesSpareAndLeavesNothingInIt() throws IOException {
    SnapshotStore store = sharingPool(3);
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "one"));
    store.update(
        snapshot -> {
          replace(snapshot, "public/dists/a/Release", "rejected");
          write(snapshot, "public/dists/new/Release", "rejected");
          return SnapshotStore.Outcome.abandon("rejected");
        });
    assertEquals(List.of(".spare", "000001", "lock", "shared"), snapshotNames());
    store.update(
        snapshot -> {
          assertEquals("one", Files.readString(snapshot.publicDir().resolve("dists/a/Release")));
          assertFalse(Files.exists(snapshot.publicDir().resolve("dists/new")));
          return SnapshotStore.Outcome.abandon("again");
        });
    assertEquals("one", Files.readString(dir.resolve("debian/dists/a/Release")));
  }

  @Test
  void whatAFailedChangeAddedToASharedDirectoryIsTakenBack() throws IOException {
    SnapshotStore store = sharingPool(2);
    store.update(snapshot -> write(snapshot, "public/pool/main/a/a/a_1.deb", "kept"));
    Path shared = dir.resolve(".debian.snapshots/shared/public/pool");

    assertThrows(
        IllegalStateException.class,
        () ->
            store.update(
                snapshot -> {
                  snapshot.added(snapshot.publicDir().resolve("pool/main/h/hello/hello_1.deb"));
                  snapshot.added(snapshot.publicDir().resolve("pool/main/a/a/a_2.deb"));
                  write(snapshot, "public/pool/main/h/hello/hello_1.deb", "half");
                  write(snapshot, "public/pool/main/a/a/a_2.deb", "half");
                  throw new IllegalStateException("signing failed");
                }));
    store.update(
        snapshot -> {
          snapshot.added(snapshot.publicDir().resolve("pool/main/z/z/z_1.deb"));
          write(snapshot, "public/pool/main/z/z/z_1.deb", "abandoned");
          return SnapshotStore.Outcome.abandon(null);
        });

    try (Stream<Path> files = Files.walk(shared)) {
      assertEquals(
          List.of("", "main", "main/a", "main/a/a", "main/a/a/a_1.deb"),
          files.map(path -> shared.relativize(path).toString()).sorted().toList());
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            store.update(
                snapshot -> {
                  snapshot.added(snapshot.publicDir().resolve("dists/a/Release"));
                  return SnapshotStore.Outcome.abandon(null);
                }));
  }

  @Test
  void aSnapshotWithItsOwnPoolGivesItsFilesToTheSharedOne() throws IOException {
    store(3).update(snapshot -> write(snapshot, "public/pool/main/h/hello/hello_1.deb", "one"));
    Path own = dir.resolve(".debian.snapshots/000001/public/pool/main/h/hello/hello_1.deb");

    sharingPool(3).update(snapshot -> write(snapshot, "public/dists/a/Release", "two"));

    assertEquals("one", Files.readString(dir.resolve("debian/pool/main/h/hello/hello_1.deb")));
    assertEquals(
        Files.getAttribute(own, "unix:ino"),
        Files.getAttribute(
            dir.resolve(".debian.snapshots/shared/public/pool/main/h/hello/hello_1.deb"),
            "unix:ino"));
    assertFalse(Files.isSymbolicLink(own.getParent().getParent().getParent().getParent()));
  }

  @Test
  void aChangeKnowsTheOldestKeptSnapshot() throws IOException {
    SnapshotStore store = sharingPool(2);
    assertEquals(
        1, (int) store.update(snapshot -> SnapshotStore.Outcome.commit(snapshot.oldestKept())));
    store.update(snapshot -> SnapshotStore.Outcome.commit(null));
    assertEquals(
        1, (int) store.update(snapshot -> SnapshotStore.Outcome.commit(snapshot.oldestKept())));
    assertEquals(
        List.of(2, 3),
        store.update(
            snapshot ->
                SnapshotStore.Outcome.abandon(
                    List.of(snapshot.oldestKept(), snapshot.previousNumber()))));
  }

  @Test
  void copiesKeepTheirTimesToTheNanosecond() throws IOException {
    SnapshotStore store = store(3);
    java.nio.file.attribute.FileTime written =
        java.nio.file.attribute.FileTime.from(
            java.time.Instant.parse("2026-11-21T12:00:00.123456789Z"));
    store.update(
        snapshot -> {
          SnapshotStore.Outcome<String> outcome = write(snapshot, "public/dists/a/Release", "one");
          Files.setLastModifiedTime(snapshot.dir().resolve("public/dists/a/Release"), written);
          return outcome;
        });
    store.update(snapshot -> write(snapshot, "public/dists/b/Release", "two"));
    assertEquals(written, Files.getLastModifiedTime(dir.resolve("debian/dists/a/Release")));
  }

  @Test
  void abandonedAndFailedChangesLeaveNothingBehind() throws IOException {
    SnapshotStore store = store(3);
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "one"));
    String value =
        store.update(
            snapshot -> {
              write(snapshot, "public/dists/a/Release", "changed");
              return SnapshotStore.Outcome.abandon("rejected");
            });
    assertEquals("rejected", value);
    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () ->
                store.update(
                    snapshot -> {
                      write(snapshot, "public/dists/a/Release", "half");
                      throw new IllegalStateException("tool failed");
                    }));
    assertEquals("tool failed", failure.getMessage());
    assertEquals("one", Files.readString(dir.resolve("debian/dists/a/Release")));
    assertEquals(List.of("000001", "lock"), snapshotNames());
  }

  @Test
  void keepsTheNewestSnapshots() throws IOException {
    SnapshotStore store = store(2);
    for (int i = 1; i <= 4; i++) {
      String text = "v" + i;
      store.update(snapshot -> write(snapshot, "public/dists/a/Release", text));
    }
    assertEquals(List.of(".spare", "000003", "000004", "lock"), snapshotNames());
    assertEquals("v4", Files.readString(dir.resolve("debian/dists/a/Release")));
  }

  @Test
  void removesWhatACrashedChangeLeft() throws IOException {
    SnapshotStore store = store(3);
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "one"));
    Files.createDirectories(dir.resolve(".debian.snapshots/.partial-000002/public"));
    Files.createDirectories(dir.resolve(".debian.snapshots/000007/public"));
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "two"));
    assertEquals(List.of("000001", "000002", "lock"), snapshotNames());
    assertEquals(
        Path.of(".debian.snapshots/000002/public"), Files.readSymbolicLink(dir.resolve("debian")));
  }

  @Test
  void refusesARootItDidNotMake() throws IOException {
    Files.createDirectories(dir.resolve("debian/dists"));
    SnapshotException plain =
        assertThrows(
            SnapshotException.class,
            () -> store(3).update(snapshot -> SnapshotStore.Outcome.commit("x")));
    assertTrue(plain.getMessage().contains("is not a link to a snapshot made by perestroika"));
    assertTrue(Files.isDirectory(dir.resolve("debian/dists"), LinkOption.NOFOLLOW_LINKS));

    Path other = dir.resolve("other");
    Files.createDirectories(other.resolve("public"));
    Files.delete(dir.resolve("debian/dists"));
    Files.delete(dir.resolve("debian"));
    Files.createSymbolicLink(dir.resolve("debian"), Path.of("other/public"));
    SnapshotException foreign =
        assertThrows(
            SnapshotException.class,
            () -> store(3).update(snapshot -> SnapshotStore.Outcome.commit("x")));
    assertTrue(foreign.getMessage().contains("links to other/public, not to a snapshot under"));
  }

  @Test
  void refusesToStartAfreshWhenTheLinkWasRemoved() throws IOException {
    SnapshotStore store = store(3);
    store.update(snapshot -> write(snapshot, "public/dists/a/Release", "one"));
    Files.delete(dir.resolve("debian"));
    SnapshotException e = assertThrows(SnapshotException.class, store::current);
    assertTrue(
        e.getMessage().contains("ln -s .debian.snapshots/000001/public " + dir.resolve("debian")),
        e.getMessage());
  }

  @Test
  void changesToOneRootRunOneAtATime() throws Exception {
    SnapshotStore store = store(5);
    store.update(snapshot -> write(snapshot, "public/n", "0"));
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> first =
          pool.submit(
              () ->
                  store.update(
                      snapshot -> {
                        firstInside.countDown();
                        awaitOrFail(release);
                        return write(snapshot, "public/n", "1");
                      }));
      assertTrue(firstInside.await(5, TimeUnit.SECONDS));
      Future<String> second =
          pool.submit(
              () ->
                  store.update(
                      snapshot -> {
                        // Sees the first change's result: the lock serialised them.
                        assertEquals("1", Files.readString(snapshot.dir().resolve("public/n")));
                        return write(snapshot, "public/n", "2");
                      }));
      Thread.sleep(300);
      assertFalse(second.isDone());
      release.countDown();
      first.get(5, TimeUnit.SECONDS);
      second.get(5, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals("2", Files.readString(dir.resolve("debian/n")));
  }

  @Test
  void givesUpWaitingForTheLockAfterTheTimeout() throws Exception {
    SnapshotStore patient = store(3);
    SnapshotStore hasty =
        new SnapshotStore(dir.resolve("debian"), Set.of(), Set.of(), 3, Duration.ofMillis(300));
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<String> holder =
          pool.submit(
              () ->
                  patient.update(
                      snapshot -> {
                        inside.countDown();
                        awaitOrFail(release);
                        return SnapshotStore.Outcome.abandon("held");
                      }));
      assertTrue(inside.await(5, TimeUnit.SECONDS));
      SnapshotException e =
          assertThrows(
              SnapshotException.class,
              () -> hasty.update(snapshot -> SnapshotStore.Outcome.commit("x")));
      assertTrue(e.getMessage().contains("waiting for another change"), e.getMessage());
      release.countDown();
      assertEquals("held", holder.get(5, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertNull(hasty.current().orElse(null));
  }

  @Test
  void aPinnedSnapshotOutlivesPruningUntilItsPinIsClosed() throws IOException {
    SnapshotStore store = store(1);
    store.update(snapshot -> write(snapshot, "public/pool/a.deb", "one"));
    try (SnapshotStore.Pin pin = store.pinCurrent()) {
      assertEquals(dir.resolve(".debian.snapshots/000001"), pin.snapshot());
      store.update(snapshot -> write(snapshot, "public/pool/b.deb", "two"));
      store.update(snapshot -> write(snapshot, "public/pool/c.deb", "three"));
      // Only one snapshot is kept, but the pinned one stays readable under the reader.
      assertEquals("one", Files.readString(pin.publicDir().resolve("pool/a.deb")));
      assertEquals(List.of(".spare", "000001", "000001.pin", "000003", "lock"), snapshotNames());
    }
    store.update(snapshot -> write(snapshot, "public/pool/d.deb", "four"));
    assertEquals(List.of(".spare", "000004", "lock"), snapshotNames());
  }

  @Test
  void nothingToPinBeforeTheFirstChange() {
    SnapshotException e = assertThrows(SnapshotException.class, () -> store(3).pinCurrent());
    assertTrue(e.getMessage().contains("has no snapshot yet"), e.getMessage());
  }

  @Test
  void aChangeSeesEveryKeptSnapshotNewestFirst() throws IOException {
    SnapshotStore store = store(3);
    assertEquals(
        List.of(), store.update(snapshot -> SnapshotStore.Outcome.commit(snapshot.kept())));
    store.update(snapshot -> write(snapshot, "public/n", "2"));
    store.update(snapshot -> write(snapshot, "public/n", "3"));
    Path snapshots = dir.resolve(".debian.snapshots");
    assertEquals(
        List.of(
            snapshots.resolve("000003"), snapshots.resolve("000002"), snapshots.resolve("000001")),
        store.update(snapshot -> SnapshotStore.Outcome.abandon(snapshot.kept())));
  }
}
