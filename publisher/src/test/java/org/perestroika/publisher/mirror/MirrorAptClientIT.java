package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.apt.RealUploads;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.RsyncDaemon;
import org.perestroika.testing.gpg.ThrowawayGpgHome;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The proof that mirrors switch cleanly: one apt client in a container runs {@code apt-get update}
 * in a loop against two mirrors (rsync daemons, each served over HTTP) while twenty rounds each
 * publish a new version with the real publisher and sync both mirrors. In every round an HTTP
 * server stops the client right after it has read the InRelease files and before it fetches the
 * indices they name, and the mirrors switch just then: the worst moment, every time.
 */
class MirrorAptClientIT {
  private static final int ROUNDS = 20;
  private static final String IMAGE = "debian:bookworm";
  private static final PublishTarget PROPOSED = PublishTarget.parse("mos10.0-proposed");

  /** The client: updates until told to stop, then once more, and says what it would install. */
  private static final String LOOP =
      """
      set -u
      opts="-o Dir::Etc::SourceList=/client/sources.list -o Dir::Etc::SourceParts=/dev/null \\
        -o APT::Sandbox::User=root -o Acquire::Retries=0 -o Acquire::http::Timeout=600 \\
        -o APT::Update::Error-Mode=any"
      mkdir -p /client/log
      n=0
      while [ ! -e /client/stop ]; do
        n=$((n + 1))
        apt-get $opts update >/client/log/update-$n.txt 2>&1
        echo "$n $?" >>/client/results
      done
      apt-get $opts update >/client/log/final.txt 2>&1
      echo "final $?" >>/client/results
      apt-cache $opts madison perestroika-hello >/client/madison.txt 2>&1
      """;

  private static ThrowawayGpgHome key;

  private final CommandRunner runner = new ProcessCommandRunner();
  @TempDir Path dir;

  @BeforeAll
  static void machineIsReady() {
    Requirements.requirePrograms("reprepro", "gpg", "gpgv", "gpgconf", "rsync");
    Requirements.dockerEngine();
    boolean image;
    try {
      DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
      image = true;
    } catch (NotFoundException e) {
      image = false;
    }
    Requirements.require(image, "the image " + IMAGE);
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @Test
  void aClientUpdatingThroughTwentySwitchesNeverFails() throws Exception {
    Path root = dir.resolve("repos");
    AptRepository repository =
        new AptRepository(
            AptRepositoryConfig.defaults(root.resolve("debian"))
                .withClientKeyring(Path.of("/client/keyring.gpg")),
            runner,
            GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint())),
            FixedBaseDistro.emptyBasePolicy());
    RealUploads uploads = new RealUploads(dir.resolve("uploads"));
    repository.publish(uploads.build("1.0-1~deb12+mos1", "round 0"), PROPOSED);

    try (RsyncDaemon a = RsyncDaemon.start(dir.resolve("mirror-a"));
        RsyncDaemon b = RsyncDaemon.start(dir.resolve("mirror-b"));
        StaticHttpServer httpA = new StaticHttpServer(a.module());
        StaticHttpServer httpB = new StaticHttpServer(b.module())) {
      MirrorSync sync = new MirrorSync(runner, Clock.systemUTC(), line -> {});
      Runnable syncBoth =
          () -> {
            for (RsyncDaemon mirror : List.of(a, b)) {
              sync.sync(root, MirrorDestination.parse(mirror.url()), Duration.ofDays(7));
            }
          };
      syncBoth.run();

      Path client = Files.createDirectories(dir.resolve("client"));
      Files.copy(repository.publicKey(), client.resolve("keyring.gpg"));
      Files.writeString(
          client.resolve("sources.list"),
          repository.sourcesListLine(PROPOSED, httpA.uri() + "debian")
              + "\n"
              + repository.sourcesListLine(PROPOSED, httpB.uri() + "debian")
              + "\n");
      Files.writeString(client.resolve("loop.sh"), LOOP);

      // apt fetches from one host at a time (both mirrors are 127.0.0.1), so holding the first
      // mirror's index request holds the second one's behind it too.
      StaticHttpServer.Hold hold = httpA.arm();
      try (GenericContainer<?> container =
          new GenericContainer<>(DockerImageName.parse(IMAGE))
              .withNetworkMode("host")
              .withFileSystemBind(client.toString(), "/client", BindMode.READ_WRITE)
              .withLabel("org.perestroika.test", "MirrorAptClientIT-" + UUID.randomUUID())
              .withCommand("sh", "/client/loop.sh")) {
        container.start();
        for (int round = 1; round <= ROUNDS; round++) {
          hold.awaitHeld();
          // The client holds the InRelease it has just read; both mirrors switch under it.
          repository.publish(
              uploads.build("1.0-" + (round + 1) + "~deb12+mos1", "round " + round), PROPOSED);
          syncBoth.run();
          StaticHttpServer.Hold next = round < ROUNDS ? httpA.arm() : null;
          hold.release();
          hold = next;
        }
        Files.writeString(client.resolve("stop"), "");
        int exit =
            container
                .getDockerClient()
                .waitContainerCmd(container.getContainerId())
                .start()
                .awaitStatusCode(10, TimeUnit.MINUTES);
        assertEquals(0, exit, container.getLogs());
      }

      List<String> results = Files.readAllLines(client.resolve("results"));
      assertTrue(results.size() > ROUNDS, "every held update and the final one: " + results);
      List<String> failed = results.stream().filter(line -> !line.endsWith(" 0")).toList();
      String logs = logs(client.resolve("log"));
      assertEquals(List.of(), failed, logs);
      assertEquals(0, count(logs, "Hash Sum mismatch"), logs);
      assertEquals(0, count(logs, "\nErr:") + count(logs, "\nE: ") + count(logs, "\nW: "), logs);
      String madison = Files.readString(client.resolve("madison.txt"));
      String last = "1.0-" + (ROUNDS + 1) + "~deb12+mos1";
      for (StaticHttpServer http : List.of(httpA, httpB)) {
        assertTrue(
            madison.contains(last + " | " + http.uri() + "debian mos10.0-proposed/main amd64"),
            madison);
        // Every update after the first fetched its indices by hash: what made the switches safe.
        assertTrue(
            http.requests().stream().filter(path -> path.contains("/by-hash/SHA256/")).count()
                >= ROUNDS,
            http.requests().toString());
      }
    }
  }

  private static String logs(Path dir) throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        text.append("== ").append(file.getFileName()).append('\n');
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }

  private static int count(String text, String word) {
    int n = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      n++;
    }
    return n;
  }
}
