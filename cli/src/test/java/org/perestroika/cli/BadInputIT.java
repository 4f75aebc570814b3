package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;

/** Each kind of bad input gets a message that names the problem, and the documented exit code. */
class BadInputIT {
  @TempDir Path work;

  @BeforeAll
  static void machineIsReady() {
    Requirements.bookwormChroot();
  }

  @Test
  void aTreeWithoutAChangelog() throws Exception {
    Path tree = Files.createDirectories(work.resolve("nochangelog/debian"));
    PerestroikaProcess.Outcome run = build(tree.getParent(), "bookworm");
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("no debian/changelog"), run::all);
    assertNothingWritten();
  }

  @Test
  void aMalformedChangelog() throws Exception {
    Path tree = Files.createDirectories(work.resolve("malformed/debian"));
    Files.writeString(tree.resolve("changelog"), "hello world, no version here\n");
    PerestroikaProcess.Outcome run = build(tree.getParent(), "bookworm");
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("changelog:1"), run::all);
    assertTrue(run.stderr().contains("package (version) distribution; urgency="), run::all);
    assertNothingWritten();
  }

  @Test
  void anUnknownDist() throws Exception {
    PerestroikaProcess.Outcome run =
        build(Path.of("..", "examples", "hello").toAbsolutePath(), "hamm");
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("unknown dist 'hamm'"), run::all);
    assertTrue(run.stderr().contains("bookworm"), "lists the dists that exist: " + run.all());
  }

  @Test
  void aPackageThatFailsToBuildExitsOneWithItsReason() throws Exception {
    Path tree = TestPackages.failing(work.resolve("src"));
    PerestroikaProcess.Outcome run = build(tree, "bookworm");
    assertEquals(Main.REFUSED, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("this package does not build"), run::all);
    assertTrue(run.stderr().contains("full log: " + work.resolve("out")), run::all);
  }

  @Test
  void theDockerEngineNotReachableSaysHowToStartIt() throws Exception {
    Path config = work.resolve("dead-engine.yaml");
    Files.writeString(config, "docker-host: unix://" + work.resolve("no-engine.sock") + "\n");
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(
            work.resolve("log"),
            "--config",
            config.toString(),
            "build",
            Path.of("..", "examples", "hello").toAbsolutePath().toString(),
            "--dist",
            "bookworm",
            "--out",
            work.resolve("out").toString());
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("not reachable"), run::all);
    assertTrue(run.stderr().contains("perestroika setup"), run::all);
  }

  @Test
  void aConfigurationWithSeveralMistakesListsThemAll() throws Exception {
    Path config = work.resolve("bad.yaml");
    Files.writeString(config, "state-dirr: /tmp\nbuild-limits:\n  timeout: soon\n  memory: lots\n");
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(
            work.resolve("log"), "--config", config.toString(), "chroot", "list");
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("3 problem(s)"), run::all);
    assertTrue(run.stderr().contains("state-dirr: unknown key"), run::all);
    assertTrue(run.stderr().contains("build-limits.timeout"), run::all);
    assertTrue(run.stderr().contains("build-limits.memory"), run::all);
  }

  @Test
  void aTreeOutsideGitWithoutCommitsSaysToNameThem() throws Exception {
    Path tree = TestPackages.failing(work.resolve("src"));
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(
            work.resolve("log"),
            "build",
            tree.toString(),
            "--dist",
            "bookworm",
            "--out",
            work.resolve("out").toString());
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("is not in a git work tree"), run::all);
    assertTrue(run.stderr().contains("--source-commit SHA --build-commit SHA"), run::all);
    assertNothingWritten();
  }

  /** Builds naming the commits, so that each test meets the problem it is about. */
  private PerestroikaProcess.Outcome build(Path source, String dist) throws InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                source.toString(),
                "--dist",
                dist,
                "--out",
                work.resolve("out").toString()));
    args.addAll(List.of(PerestroikaProcess.COMMITS));
    return PerestroikaProcess.run(work.resolve("log"), args.toArray(String[]::new));
  }

  private void assertNothingWritten() {
    assertFalse(Files.exists(work.resolve("out")), "bad input must not create the output dir");
  }
}
