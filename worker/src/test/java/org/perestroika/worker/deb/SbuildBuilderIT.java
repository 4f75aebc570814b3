package org.perestroika.worker.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;
import org.perestroika.worker.chroot.ChrootStore;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.container.docker.DockerContainerRuntime;

/** Real sbuild builds in real containers over the chroot that setup made. */
class SbuildBuilderIT {
  static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();

  static DockerContainerRuntime docker;
  static SbuildBuilder builder;
  static ProcessCommandRunner runner = new ProcessCommandRunner();
  static Path chroot;

  @TempDir Path work;

  @BeforeAll
  static void connect() {
    chroot = Requirements.bookwormChroot();
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
    docker.ping();
    ChrootStore store =
        new ChrootStore(
            Requirements.STATE_DIR.resolve("chroots"), runner, docker, Clock.systemUTC());
    builder = new SbuildBuilder(docker, store, runner, Clock.systemUTC());
  }

  @AfterAll
  static void disconnect() {
    if (docker != null) {
      docker.close();
    }
  }

  @Test
  void concurrentBuildsShareTheChrootAndNeverChangeIt() throws Exception {
    String before = fingerprint(chroot);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<BuildResult>> builds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      BuildRequest request = request("shared-" + i, EXAMPLE, BuildLimits.DEFAULTS);
      builds.add(pool.submit(() -> builder.build(request, line -> {})));
    }
    for (Future<BuildResult> build : builds) {
      BuildResult result = build.get();
      assertEquals(BuildStatus.SUCCEEDED, result.status(), "see " + result.log());
      assertTrue(result.changesFile().isPresent());
      assertTrue(
          result.artifacts().stream()
              .anyMatch(a -> a.fileName().equals("perestroika-hello_1.0-1~deb12+mos1_amd64.deb")));
      for (var artifact : result.artifacts()) {
        assertTrue(Files.isRegularFile(artifact.path()), artifact.path() + " exists");
      }
      assertTrue(result.timings().install().isPresent() && result.timings().build().isPresent());
      assertTrue(Files.readString(result.log()).contains("perestroika: build it-shared-"));
    }
    pool.shutdown();
    assertEquals(before, fingerprint(chroot), "the chroot changed under the builds");
    assertNoContainerLeft("shared-0", "shared-1", "shared-2");
  }

  @Test
  void aDscBuildsLikeTheTreeItCameFromWithTheCommitLinesInItsChanges() throws Exception {
    SourceCommits commits = new SourceCommits("a".repeat(40), "b".repeat(40));
    BuildResult fromTree =
        builder.build(
            request("tree", EXAMPLE, BuildLimits.DEFAULTS, Optional.of(commits)), l -> {});
    assertEquals(BuildStatus.SUCCEEDED, fromTree.status(), "see " + fromTree.log());
    String changes = Files.readString(fromTree.changesFile().orElseThrow());
    assertTrue(changes.contains("\n   * Source commit: " + "a".repeat(40) + "\n"), changes);
    assertTrue(changes.contains("\n   * Build commit: " + "b".repeat(40) + "\n"), changes);
    Path dsc =
        fromTree.artifacts().stream()
            .map(a -> a.path())
            .filter(p -> p.getFileName().toString().endsWith(".dsc"))
            .findFirst()
            .orElseThrow();
    BuildResult fromDsc = builder.build(request("dsc", dsc, BuildLimits.DEFAULTS), l -> {});
    assertEquals(BuildStatus.SUCCEEDED, fromDsc.status(), "see " + fromDsc.log());
    assertTrue(
        Files.readString(fromDsc.changesFile().orElseThrow())
            .contains("   * Source commit: " + "a".repeat(40)));
    assertTrue(
        fromDsc.artifacts().stream()
            .anyMatch(a -> a.fileName().equals("perestroika-hello_1.0-1~deb12+mos1_amd64.deb")));
  }

  @Test
  void aPackageThatFailsIsAFailedResultWithTheReason() throws Exception {
    Path source = TestPackages.failing(work.resolve("src"));
    BuildResult result = builder.build(request("broken", source, BuildLimits.DEFAULTS), line -> {});
    assertEquals(BuildStatus.FAILED, result.status());
    assertTrue(
        String.join("\n", result.failureExcerpt()).contains("this package does not build"),
        () -> "excerpt: " + result.failureExcerpt());
    assertTrue(result.artifacts().isEmpty());
    assertNoContainerLeft("broken");
  }

  @Test
  void aBuildPastItsTimeoutIsStoppedAndItsContainerRemoved() throws Exception {
    Path source = TestPackages.sleeping(work.resolve("src"), 600);
    BuildLimits limits = BuildLimits.DEFAULTS.withTimeout(Duration.ofSeconds(15));
    BuildResult result = builder.build(request("sleepy", source, limits), line -> {});
    assertEquals(BuildStatus.TIMED_OUT, result.status());
    assertTrue(result.timings().total().compareTo(Duration.ofMinutes(5)) < 0);
    assertNoContainerLeft("sleepy");
  }

  @Test
  void aBuildThatFillsItsTmpfsFailsWithNoSpaceLeft() throws Exception {
    Path source = TestPackages.filling(work.resolve("src"), 400);
    BuildLimits limits = BuildLimits.DEFAULTS.withTmpfsBytes(200 * BuildLimits.MIB);
    BuildResult result = builder.build(request("filler", source, limits), line -> {});
    assertEquals(BuildStatus.FAILED, result.status());
    assertTrue(
        String.join("\n", result.failureExcerpt()).contains("No space left on device"),
        () -> "excerpt: " + result.failureExcerpt());
    assertNoContainerLeft("filler");
  }

  private BuildRequest request(String id, Path source, BuildLimits limits) {
    return request(id, source, limits, Optional.empty());
  }

  private BuildRequest request(
      String id, Path source, BuildLimits limits, Optional<SourceCommits> commits) {
    String buildId = "it-" + id + "-" + ProcessHandle.current().pid();
    return new BuildRequest(buildId, source, BOOKWORM, limits, work.resolve("out-" + id), commits);
  }

  private static void assertNoContainerLeft(String... ids) {
    for (var container : docker.listByLabel(Ownership.BUILD_ID)) {
      for (String id : ids) {
        assertTrue(
            !container.labels().get(Ownership.BUILD_ID).startsWith("it-" + id + "-"),
            "container of build " + id + " still exists: " + container.id());
      }
    }
  }

  /** Names, sizes, modes and mtimes of every file: any write to the chroot changes it. */
  static String fingerprint(Path dir) {
    return runner
        .check(
            Command.of(
                    "sh",
                    "-c",
                    "find . -xdev -printf '%P %s %m %T@\\n' | LC_ALL=C sort | sha256sum")
                .inDirectory(dir.toAbsolutePath()))
        .stdout();
  }
}
