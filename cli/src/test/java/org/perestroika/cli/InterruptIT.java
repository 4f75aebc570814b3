package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;
import org.perestroika.worker.container.ContainerInfo;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.container.docker.DockerContainerRuntime;

/** A build stopped from outside leaves no container behind, at once or at the next start. */
class InterruptIT {
  static DockerContainerRuntime docker;

  @TempDir Path work;

  @BeforeAll
  static void connect() {
    Requirements.bookwormChroot();
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
  }

  @AfterAll
  static void close() {
    if (docker != null) {
      docker.close();
    }
  }

  @Test
  void ctrlCRemovesTheBuildContainer() throws Exception {
    Process build = startSleepyBuild("term");
    List<ContainerInfo> mine = awaitContainersOf(build);
    build.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C (SIGINT).
    assertTrue(build.waitFor(60, TimeUnit.SECONDS), "the build process did not stop");
    assertTrue(containersOf(build).isEmpty(), "left behind: " + mine);
  }

  @Test
  void aCrashedRunsContainerIsReapedAtTheNextStart() throws Exception {
    Process crashed = startSleepyBuild("kill");
    awaitContainersOf(crashed);
    crashed.destroyForcibly(); // SIGKILL: no hooks run, the container is orphaned.
    crashed.waitFor(60, TimeUnit.SECONDS);
    assertEquals(1, containersOf(crashed).size(), "the orphan is there before the next start");

    PerestroikaProcess.Outcome setup = PerestroikaProcess.run(work.resolve("setup"), "setup");
    assertEquals(Main.OK, setup.exitCode(), setup::all);
    assertTrue(containersOf(crashed).isEmpty(), "the orphan was not reaped");
    assertTrue(setup.stdout().contains("removing container"), setup::all);
  }

  private Process startSleepyBuild(String name) {
    Path source = TestPackages.sleeping(work.resolve("src-" + name), 300);
    return PerestroikaProcess.start(
        work.resolve("log-" + name),
        "build",
        source.toString(),
        "--dist",
        "bookworm",
        "--out",
        work.resolve("out-" + name).toString(),
        PerestroikaProcess.COMMITS[0],
        PerestroikaProcess.COMMITS[1],
        PerestroikaProcess.COMMITS[2],
        PerestroikaProcess.COMMITS[3]);
  }

  private static List<ContainerInfo> containersOf(Process process) {
    return docker.listByLabel(Ownership.OWNER_PID).stream()
        .filter(c -> Long.toString(process.pid()).equals(c.labels().get(Ownership.OWNER_PID)))
        .toList();
  }

  private static List<ContainerInfo> awaitContainersOf(Process process)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      List<ContainerInfo> found = containersOf(process);
      if (!found.isEmpty()) {
        return found;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no build container appeared for pid " + process.pid());
  }
}
