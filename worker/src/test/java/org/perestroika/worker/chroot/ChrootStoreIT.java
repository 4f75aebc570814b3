package org.perestroika.worker.chroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.container.docker.DockerContainerRuntime;
import org.perestroika.worker.deb.SbuildBuilder;

/** A real chroot update while a real build runs on the snapshot it replaces. */
class ChrootStoreIT {
  static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));

  static DockerContainerRuntime docker;

  @TempDir Path work;

  @BeforeAll
  static void connect() {
    Requirements.bookwormChroot();
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
    docker.ping();
  }

  @AfterAll
  static void disconnect() {
    if (docker != null) {
      docker.close();
    }
  }

  @Test
  void updateSwitchesAtomicallyWhileARunningBuildFinishesOnTheOldSnapshot() throws Exception {
    ProcessCommandRunner runner = new ProcessCommandRunner();
    ChrootStore store =
        new ChrootStore(
            Requirements.STATE_DIR.resolve("chroots"), runner, docker, Clock.systemUTC());
    SbuildBuilder builder = new SbuildBuilder(docker, store, runner, Clock.systemUTC());
    ChrootSnapshot old = store.require("bookworm");

    String buildId = "it-update-" + ProcessHandle.current().pid();
    Path source = TestPackages.sleeping(work.resolve("src"), 25);
    BuildRequest request =
        new BuildRequest(
            buildId, source, BOOKWORM, BuildLimits.DEFAULTS, work.resolve("out"), Optional.empty());
    CompletableFuture<BuildResult> build =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return builder.build(request, line -> {});
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    awaitContainer(buildId);

    ChrootSnapshot fresh = store.update(BOOKWORM, line -> {});
    assertNotEquals(old.id(), fresh.id());
    assertEquals(fresh.id(), store.require("bookworm").id(), "current switched to the update");
    assertTrue(Files.isDirectory(old.directory()), "the snapshot in use was kept");

    BuildResult result = build.get();
    assertEquals(BuildStatus.SUCCEEDED, result.status(), "see " + result.log());
    assertTrue(Files.readString(result.log()).contains("Build-Time"));

    store.prune("bookworm", line -> {});
    assertFalse(Files.exists(old.directory()), "the unused old snapshot was pruned");
    assertTrue(Files.isDirectory(fresh.directory()));
  }

  private static void awaitContainer(String buildId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (docker.listByLabel(Ownership.BUILD_ID).stream()
        .noneMatch(c -> buildId.equals(c.labels().get(Ownership.BUILD_ID)))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the build container of " + buildId + " never appeared");
      }
      Thread.sleep(200);
    }
  }
}
