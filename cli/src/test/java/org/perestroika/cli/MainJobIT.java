package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.docker.DockerContainerRuntime;

/**
 * The main job end to end: build the example, publish it to mos10.0-proposed, then prove with a
 * stock apt in a fresh container that trusts only the exported key that the repository installs,
 * and that apt refuses it once one byte of its package index changes.
 */
class MainJobIT {
  static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
  static final String KEYRING_IN_CONTAINER = "/etc/apt/keyrings/mos-archive-keyring.gpg";

  @TempDir static Path work;
  static Path mirror;
  static String sourcesLine;
  static DockerContainerRuntime docker;

  @BeforeAll
  static void buildAndPublish() throws Exception {
    Requirements.bookwormChroot();
    Requirements.requirePrograms("reprepro");
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
    mirror = work.resolve("mirror");
    Path config = work.resolve("perestroika.yaml");
    Files.writeString(config, "publisher:\n  repo-root: " + mirror + "\n");
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(
            work.resolve("main-job"),
            "--config",
            config.toString(),
            "build",
            EXAMPLE.toString(),
            "--dist",
            "bookworm",
            "--out",
            work.resolve("out").toString(),
            "--publish",
            "mos10.0-proposed");
    assertEquals(0, run.exitCode(), run::all);
    sourcesLine =
        run.stdout()
            .lines()
            .filter(l -> l.startsWith("deb [signed-by="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no sources.list line in:\n" + run.stdout()));
    assertTrue(sourcesLine.contains(" mos10.0-proposed main"), sourcesLine);
  }

  @AfterAll
  static void close() {
    if (docker != null) {
      docker.close();
    }
  }

  @Test
  void theRepositoryHasTheSpecLayout() {
    Path debian = mirror.resolve("debian");
    for (String suite :
        List.of(
            "mos10.0",
            "mos10.0-proposed",
            "mos10.0-updates",
            "mos10.0-security",
            "mos10.0-holdback",
            "mos10.0-hotfix")) {
      assertTrue(Files.isRegularFile(debian.resolve("dists/" + suite + "/InRelease")), suite);
      assertTrue(Files.isRegularFile(debian.resolve("dists/" + suite + "/Release.gpg")), suite);
    }
    assertTrue(Files.isRegularFile(debian.resolve("project/mos-archive-keyring.gpg")));
    assertTrue(
        Files.isRegularFile(
            debian.resolve(
                "pool/main/p/perestroika-hello/perestroika-hello_1.0-1~deb12+mos1_amd64.deb")));
  }

  @Test
  void aStockAptClientInstallsAndRunsThePackage() throws Exception {
    AptRun apt =
        apt(
            mirror,
            "debian",
            "apt-get update && apt-get install -y perestroika-hello && perestroika-hello");
    assertEquals(0, apt.exit.exitCode(), apt.output);
    assertTrue(apt.output.contains("Hello from a Perestroika build."), apt.output);
  }

  @Test
  void aptRefusesTheRepositoryWhenOneByteOfPackagesChanges() throws Exception {
    Path copy = work.resolve("tampered");
    ProcessCommandRunner runner = new ProcessCommandRunner();
    // A plain copy of what clients see: the pool the snapshots share, followed, included.
    runner.check(
        Command.of(
            "cp", "-a", "-L", mirror.resolve("debian").toRealPath() + "/.", copy.toString()));
    Path index = copy.resolve("dists/mos10.0-proposed/main/binary-amd64");
    byte[] packages = Files.readAllBytes(index.resolve("Packages"));
    int at = new String(packages, StandardCharsets.US_ASCII).indexOf("Installed-Size:") + 16;
    packages[at] = (byte) (packages[at] == '1' ? '2' : '1');
    Files.write(index.resolve("Packages"), packages);
    // Every compressed form carries the same change, so apt cannot route around it.
    for (String compressed : List.of("Packages.gz", "Packages.xz")) {
      if (Files.exists(index.resolve(compressed))) {
        String tool = compressed.endsWith(".gz") ? "gzip -n" : "xz";
        runner.check(
            Command.of("sh", "-c", tool + " -c Packages > " + compressed).inDirectory(index));
      }
    }
    AptRun apt =
        apt(copy.getParent(), "tampered", "apt-get update && apt-get install -y perestroika-hello");
    assertNotEquals(0, apt.exit.exitCode(), apt.output);
    assertTrue(
        apt.output.contains("Hash Sum mismatch") || apt.output.contains("unexpected size"),
        apt.output);
  }

  private record AptRun(ContainerExit exit, String output) {}

  /**
   * Runs a shell command in a fresh container whose only apt source is the repository {@code
   * served} in {@code dir}. The whole of {@code dir} is mounted: the repository's relative links
   * (to its snapshot, and from there to the shared pool) lead into it.
   */
  private AptRun apt(Path dir, String served, String script) throws Exception {
    Path sources = work.resolve("sources-" + System.nanoTime() + ".list");
    Files.writeString(
        sources, sourcesLine.replaceAll("file:\\S+", "file:/srv/repos/" + served) + "\n");
    Path empty = Files.writeString(work.resolve("empty-" + System.nanoTime()), "");
    List<String> output = new ArrayList<>();
    ContainerSpec spec =
        new ContainerSpec(
            "debian:bookworm",
            List.of("sh", "-c", script),
            "/",
            Map.of("org.perestroika.test", "apt-client"),
            List.of(
                new BindMount(dir, "/srv/repos", true),
                new BindMount(
                    dir.resolve(served).resolve("project/mos-archive-keyring.gpg").toRealPath(),
                    KEYRING_IN_CONTAINER,
                    true),
                new BindMount(sources, "/etc/apt/sources.list.d/mos.list", true),
                new BindMount(empty, "/etc/apt/sources.list", true)),
            Map.of(),
            ContainerSpec.Network.NONE,
            512 * 1024 * 1024L,
            512,
            false);
    ContainerExit exit = docker.run(spec, Duration.ofMinutes(5), output::add);
    return new AptRun(exit, String.join("\n", output));
  }
}
