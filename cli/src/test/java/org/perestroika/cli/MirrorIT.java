package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.publisher.mirror.SnapshotStore;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.RsyncDaemon;

/** `perestroika mirror sync` as a person runs it: what it prints and how it exits. */
class MirrorIT {
  @TempDir Path work;
  private Path repos;
  private SnapshotStore debian;

  @BeforeAll
  static void rsyncIsThere() {
    Requirements.requirePrograms("rsync");
  }

  @BeforeEach
  void publish() throws IOException {
    repos = work.resolve("repos");
    debian =
        new SnapshotStore(repos.resolve("debian"), Set.of(), Set.of(), 3, Duration.ofSeconds(30));
    write("dists/mos10.0/Release", "one".getBytes());
  }

  private void write(String path, byte[] content) {
    debian.update(
        snapshot -> {
          Path file = snapshot.publicDir().resolve(path);
          Files.createDirectories(file.getParent());
          Files.deleteIfExists(file);
          Files.write(file, content);
          return SnapshotStore.Outcome.commit(null);
        });
  }

  private PerestroikaProcess.Outcome sync(String name, String destination)
      throws InterruptedException {
    return PerestroikaProcess.run(
        work.resolve(name), "mirror", "sync", "--to", destination, "--repo-root", repos.toString());
  }

  @Test
  void syncsToALocalDirectory() throws Exception {
    Path mirror = work.resolve("mirror");

    PerestroikaProcess.Outcome run = sync("sync", mirror.toString());

    assertEquals(Main.OK, run.exitCode(), run::all);
    assertTrue(run.stdout().contains("[mirror] " + mirror + " now serves snapshot "), run::all);
    assertTrue(Files.isSymbolicLink(mirror.resolve("debian")));
    assertEquals("one", Files.readString(mirror.resolve("debian/dists/mos10.0/Release")));
  }

  @Test
  void anUnreachableMirrorIsAnErrorThatChangesNothing() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    String url = "rsync://127.0.0.1:" + port + "/mos";

    PerestroikaProcess.Outcome run = sync("unreachable", url);

    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(
        run.stderr()
            .contains("perestroika: error: cannot reach mirror " + url + ": could not connect"),
        run::all);
    assertTrue(run.stderr().contains("Nothing was changed on the mirror"), run::all);
  }

  @Test
  void aMirrorThatGoesAwayMidSyncKeepsItsSnapshotAndTheNextSyncFinishes() throws Exception {
    try (RsyncDaemon daemon = RsyncDaemon.start(work.resolve("mirror-host"))) {
      PerestroikaProcess.Outcome first = sync("first", daemon.url());
      assertEquals(Main.OK, first.exitCode(), first::all);
      Path served = daemon.module().resolve("debian");
      Path live = Files.readSymbolicLink(served);

      byte[] big = new byte[48 << 20];
      new Random(1).nextBytes(big);
      write("pool/main/b/big/big_1_amd64.deb", big);
      // An rsync that sends slowly, so that the mirror goes away with the file half sent.
      Path bin = Files.createDirectories(work.resolve("slow-bin"));
      Path slow = bin.resolve("rsync");
      Files.writeString(slow, "#!/bin/sh\nexec " + realRsync() + " --bwlimit=8m \"$@\"\n");
      Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
      Process sync =
          PerestroikaProcess.start(
              work.resolve("interrupted"),
              Map.of("PATH", bin + ":" + System.getenv("PATH")),
              "mirror",
              "sync",
              "--to",
              daemon.url(),
              "--repo-root",
              repos.toString());
      awaitHalfSent(daemon.module(), 8 << 20);
      daemon.stop();
      assertTrue(sync.waitFor(5, TimeUnit.MINUTES));
      PerestroikaProcess.Outcome interrupted =
          PerestroikaProcess.outcome(work.resolve("interrupted"), sync.exitValue());

      assertEquals(Main.ERROR, interrupted.exitCode(), interrupted::all);
      assertTrue(
          interrupted.stderr().contains("perestroika: error: mirror sync to " + daemon.url()),
          interrupted::all);
      assertTrue(
          interrupted
              .stderr()
              .contains(
                  daemon.url()
                      + " still serves its previous snapshot "
                      + live.getParent()
                      + ": nothing was switched"),
          interrupted::all);
      assertEquals(live, Files.readSymbolicLink(served));
      assertEquals("one", Files.readString(served.resolve("dists/mos10.0/Release")));

      daemon.restart();
      PerestroikaProcess.Outcome resumed = sync("resumed", daemon.url());

      assertEquals(Main.OK, resumed.exitCode(), resumed::all);
      assertTrue(resumed.stdout().contains("resuming the interrupted transfer"), resumed::all);
      assertTrue(resumed.stdout().contains("finishing an interrupted transfer"), resumed::all);
      assertEquals(
          -1,
          Files.mismatch(
              served.resolve("pool/main/b/big/big_1_amd64.deb"),
              repos.resolve("debian/pool/main/b/big/big_1_amd64.deb")));
    }
  }

  private static String realRsync() {
    for (String dir : System.getenv("PATH").split(":")) {
      Path candidate = Path.of(dir, "rsync");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError("rsync is not on the PATH");
  }

  /** Waits until the mirror holds {@code bytes} of the big file under rsync's temporary name. */
  private static void awaitHalfSent(Path module, long bytes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(module.resolve(".snapshots"))) {
        try (Stream<Path> files = Files.walk(module.resolve(".snapshots"))) {
          boolean far =
              files
                  .filter(file -> file.getFileName().toString().startsWith(".big_1_amd64.deb."))
                  .anyMatch(file -> file.toFile().length() >= bytes);
          if (far) {
            return;
          }
        } catch (java.io.UncheckedIOException e) {
          // A file went away while listed: look again.
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the transfer never got under way");
  }
}
