package org.perestroika.worker.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.perestroika.worker.deb.SourceFixtures.HELLO;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_ORIG;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_SOURCE;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_VERSION;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.RecordingCommandRunner;
import org.perestroika.testing.TestingClock;
import org.perestroika.worker.Golden;
import org.perestroika.worker.chroot.ChrootSnapshot;
import org.perestroika.worker.chroot.ChrootStore;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.FakeContainerRuntime;
import org.perestroika.worker.container.Ownership;

class SbuildBuilderTest {
  private static final String SNAPSHOT = "20260101T000000Z";
  private static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  private static final BuildLimits LIMITS =
      new BuildLimits(Duration.ofMinutes(45), 2 * BuildLimits.GIB, 1024, 3 * BuildLimits.GIB);
  private static final String STAGED = "perestroika-hello-1.0";
  private static final String LOG = "perestroika-hello_1.0-1~deb12+mos1.build";
  private static final String CHANGES = "perestroika-hello_1.0-1~deb12+mos1_amd64.changes";
  private static final SourceCommits COMMITS =
      new SourceCommits(
          "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b", "8bf699819c9d30e2d34e14e76917f94daea4c67f");

  @TempDir Path tmp;

  private final FakeContainerRuntime containers = new FakeContainerRuntime();
  private final TestingClock clock = TestingClock.at("2026-01-01T12:00:00Z");
  private final RecordingCommandRunner runner =
      new RecordingCommandRunner(new ProcessCommandRunner()::run);
  private final List<String> output = new ArrayList<>();
  private Path chrootRoot;
  private Path out;
  private SbuildBuilder builder;

  @BeforeEach
  void chrootAndBuilder() throws IOException {
    chrootRoot = tmp.resolve("chroots");
    Files.createDirectories(chrootRoot.resolve("bookworm").resolve(SNAPSHOT));
    Files.createSymbolicLink(chrootRoot.resolve("bookworm/current"), Path.of(SNAPSHOT));
    out = tmp.resolve("builds/hello-1");
    builder =
        new SbuildBuilder(
            containers, new ChrootStore(chrootRoot, runner, containers, clock), runner, clock);
  }

  @Test
  void aTreeIsBuiltInItsStagedCopyWithTheSandboxOfTheLimits() {
    Path outDir = Path.of("/var/lib/perestroika/builds/hello-1");
    BuildRequest request =
        new BuildRequest("hello-1", HELLO, BOOKWORM, LIMITS, outDir, Optional.of(COMMITS));
    ChrootSnapshot snapshot = snapshot(Path.of("/var/lib/perestroika/chroots/bookworm", SNAPSHOT));

    ContainerSpec spec =
        SbuildBuilder.containerSpec(request, snapshot, SourcePackage.inspect(HELLO), STAGED);

    Golden.assertMatches("sbuild-tree.args", spec.command());
    assertEquals("/build/" + STAGED, spec.workingDir());
    assertSandbox(spec, "hello-1", snapshot, outDir);
  }

  @Test
  void aDscIsNamedOnTheCommandLineAndBuiltFromTheOutputDirectory() throws IOException {
    Path dsc = SourceFixtures.helloDsc(tmp.resolve("src"));
    Path relativeOut = Path.of("target/builds/hello-2");
    BuildRequest request =
        new BuildRequest("hello-2", dsc, BOOKWORM, LIMITS, relativeOut, Optional.empty());
    ChrootSnapshot snapshot = snapshot(Path.of("/var/lib/perestroika/chroots/bookworm", SNAPSHOT));

    ContainerSpec spec =
        SbuildBuilder.containerSpec(
            request, snapshot, SourcePackage.inspect(dsc), "/build/" + dsc.getFileName());

    Golden.assertMatches("sbuild-dsc.args", spec.command());
    assertEquals("/build", spec.workingDir());
    // Bind sources must be absolute: the engine knows nothing of the worker's working directory.
    assertSandbox(spec, "hello-2", snapshot, relativeOut.toAbsolutePath());
  }

  @Test
  void everyBuildPutsTheOrigTarballInItsChangesWhateverTheRevision() throws IOException {
    // Without it dpkg-genchanges leaves the orig out of a second revision of one upstream
    // version, and a repository that lacks that orig (a new review repository) refuses it.
    Path dsc = SourceFixtures.helloDsc(tmp.resolve("src"));
    ChrootSnapshot snapshot = snapshot(Path.of("/var/lib/perestroika/chroots/bookworm", SNAPSHOT));
    for (BuildRequest request :
        List.of(
            new BuildRequest("tree", HELLO, BOOKWORM, LIMITS, out, Optional.of(COMMITS)),
            new BuildRequest("dsc", dsc, BOOKWORM, LIMITS, out, Optional.empty()))) {
      List<String> command =
          SbuildBuilder.containerSpec(
                  request, snapshot, SourcePackage.inspect(request.source()), "/build/x")
              .command();
      assertTrue(command.contains("--source"), command::toString);
      assertTrue(command.contains("--force-orig-source"), command::toString);
    }
  }

  @Test
  void aSuccessfulBuildReportsItsUploadTimingsAndLogAndRemovesTheStagedTree() throws Exception {
    List<String> sbuild =
        List.of(
            "sbuild (Debian sbuild) 0.85.0 (04 January 2023) on worker",
            "dpkg-buildpackage: info: source package perestroika-hello",
            "dpkg-genchanges: info: including full source code in upload",
            "",
            border(),
            box("Summary"),
            border(),
            "",
            "Build Architecture: amd64",
            "Build-Time: 7",
            "Install-Time: 3",
            "Package: perestroika-hello",
            "Status: successful");
    List<String> seenInBuildDir = new ArrayList<>();
    List<Path> upload = new ArrayList<>();
    containers.thenRun(
        (spec, lines) -> {
          Path build = FakeContainerRuntime.hostPath(spec, "/build");
          try (Stream<Path> entries = Files.list(build)) {
            entries.map(p -> p.getFileName().toString()).sorted().forEach(seenInBuildDir::add);
          }
          Golden.assertMatches(
              "changelog-hello-with-commits",
              Files.readAllLines(build.resolve(STAGED).resolve("debian/changelog")));
          upload.addAll(writeUpload(build, true));
          clock.advance(Duration.ofSeconds(12));
          sbuild.forEach(lines);
          return new ContainerExit(0, false);
        });

    String original = Files.readString(HELLO.resolve("debian/changelog"));
    BuildResult result = builder.build(request(HELLO, COMMITS), output::add);

    assertEquals(original, Files.readString(HELLO.resolve("debian/changelog")), "source changed");
    // The build directory holds the staged tree, the log being written and the orig tarball.
    assertEquals(List.of(STAGED, LOG, HELLO_ORIG.getFileName().toString()), seenInBuildDir);
    assertEquals(BuildStatus.SUCCEEDED, result.status());
    assertEquals("hello-1", result.buildId());
    assertEquals(Optional.of(out.resolve(CHANGES)), result.changesFile());
    assertEquals(
        upload.stream().map(p -> new Artifact(p, SourceFixtures.sha256(p), size(p))).toList(),
        result.artifacts());
    assertEquals(
        new BuildResult.Timings(
            Optional.of(Duration.ofSeconds(3)),
            Optional.of(Duration.ofSeconds(7)),
            Duration.ofSeconds(12)),
        result.timings());
    assertEquals(List.of(), result.failureExcerpt());

    assertEquals(out.resolve(LOG), result.log());
    List<String> log = Files.readAllLines(result.log());
    assertEquals(sbuild, log.subList(0, sbuild.size()));
    assertTrue(log.contains("perestroika: build hello-1 succeeded"), log::toString);
    assertTrue(
        log.contains("perestroika: container time 12.000 s, created to removed"), log::toString);
    assertTrue(log.contains("perestroika: log " + out.resolve(LOG)), log::toString);
    assertEquals(log, output);

    assertFalse(Files.exists(out.resolve(STAGED)));
    assertEquals(
        List.of(
            "cp -- " + HELLO_ORIG + " " + out,
            "cp -a -H -- " + HELLO + " " + out.resolve(STAGED),
            "rm -rf " + out.resolve(STAGED)),
        runner.commandLines());

    FakeContainerRuntime.Run run = containers.runs().get(0);
    assertEquals(LIMITS.timeout(), run.timeout());
    Golden.assertMatches("sbuild-tree.args", run.spec().command());
    assertEquals(
        chrootRoot.resolve("bookworm").resolve(SNAPSHOT).toRealPath(),
        FakeContainerRuntime.hostPath(run.spec(), "/srv/chroot"));
    assertEquals(out, FakeContainerRuntime.hostPath(run.spec(), "/build"));
    assertEquals(List.of(), containers.containers(), "the build container is removed");
  }

  @Test
  void aDscIsCopiedWithItsFilesAndNamedToSbuild() throws Exception {
    Path dsc = SourceFixtures.helloDsc(tmp.resolve("src"));
    List<String> seenInBuildDir = new ArrayList<>();
    containers.thenRun(
        (spec, lines) -> {
          Path build = FakeContainerRuntime.hostPath(spec, "/build");
          try (Stream<Path> entries = Files.list(build)) {
            entries.map(p -> p.getFileName().toString()).sorted().forEach(seenInBuildDir::add);
          }
          writeUpload(build, false);
          return new ContainerExit(0, false);
        });

    BuildResult result = builder.build(request(dsc), output::add);

    assertEquals(BuildStatus.SUCCEEDED, result.status());
    assertEquals(
        List.of(
            LOG,
            "perestroika-hello_1.0-1~deb12+mos1.debian.tar.xz",
            "perestroika-hello_1.0-1~deb12+mos1.dsc",
            "perestroika-hello_1.0.orig.tar.gz"),
        seenInBuildDir);
    Path src = dsc.getParent();
    assertEquals(
        List.of(
            "cp -- " + src.resolve("perestroika-hello_1.0.orig.tar.gz") + " " + out,
            "cp -- " + src.resolve(SourceFixtures.HELLO_DEBIAN_TARBALL) + " " + out,
            "cp -- " + dsc + " " + out),
        runner.commandLines());
    Golden.assertMatches("sbuild-dsc.args", containers.runs().get(0).spec().command());
    assertEquals("/build", containers.runs().get(0).spec().workingDir());
    assertEquals(
        List.of(
            "perestroika-hello_1.0-1~deb12+mos1.dsc",
            "perestroika-hello_1.0.orig.tar.gz",
            "perestroika-hello_1.0-1~deb12+mos1.debian.tar.xz",
            "perestroika-hello_1.0-1~deb12+mos1_amd64.deb",
            "perestroika-hello_1.0-1~deb12+mos1_amd64.buildinfo"),
        result.artifacts().stream().map(Artifact::fileName).toList());
  }

  @Test
  void aFailedBuildExplainsItselfWithTheLinesBeforeTheClosingSections() throws Exception {
    List<String> explanation =
        List.of(
            "dpkg-buildpackage: info: source package perestroika-hello",
            " debian/rules build",
            "cc -O2 -o hello hello.c",
            "hello.c:3:1: error: expected ';' before '}' token",
            "make[1]: *** [Makefile:4: hello] Error 1",
            "dh_auto_build: error: make -j4 returned exit code 2",
            "dpkg-buildpackage: error: debian/rules build subprocess returned exit status 2",
            "-".repeat(80),
            "Build finished at 2026-01-01T12:00:09Z",
            "",
            "Finished",
            "--------",
            "",
            "E: Build failure (dpkg-buildpackage died)");
    List<String> sbuild = new ArrayList<>(explanation);
    sbuild.addAll(
        List.of(
            "",
            border(),
            box("Cleanup"),
            border(),
            "",
            "Purging /<<BUILDDIR>>",
            "",
            border(),
            box("Summary"),
            border(),
            "",
            "Fail-Stage: build",
            "Install-Time: 3",
            "Status: attempted"));
    containers.thenExit(new ContainerExit(2, false), sbuild.toArray(String[]::new));

    BuildResult result = builder.build(request(HELLO), output::add);

    assertEquals(BuildStatus.FAILED, result.status());
    assertEquals(explanation, result.failureExcerpt());
    assertEquals(Optional.empty(), result.changesFile());
    assertEquals(List.of(), result.artifacts());
    assertEquals(Optional.of(Duration.ofSeconds(3)), result.timings().install());
    assertEquals(Optional.empty(), result.timings().build());
    List<String> log = Files.readAllLines(result.log());
    assertEquals(sbuild, log.subList(0, sbuild.size()));
    assertTrue(log.contains("perestroika: build hello-1 failed"), log::toString);
    assertTrue(log.contains("perestroika: sbuild exited with 2"), log::toString);
    assertFalse(Files.exists(out.resolve(STAGED)), "the staged tree is removed after a failure");
  }

  @Test
  void theExcerptIsTheLastThirtyLinesBeforeTheClosingSections() throws Exception {
    List<String> sbuild =
        new ArrayList<>(IntStream.rangeClosed(1, 40).mapToObj(i -> "error " + i).toList());
    sbuild.addAll(List.of("", border(), box("Post Build"), border(), "Status: attempted"));
    containers.thenExit(new ContainerExit(1, false), sbuild.toArray(String[]::new));

    BuildResult result = builder.build(request(HELLO), output::add);

    // The thirty lines before the header end in the box's blank line and border, trimmed away.
    assertEquals(
        IntStream.rangeClosed(13, 40).mapToObj(i -> "error " + i).toList(),
        result.failureExcerpt());
  }

  @Test
  void withoutClosingSectionsTheExcerptIsTheLastThirtyLines() throws Exception {
    List<String> sbuild = IntStream.rangeClosed(1, 35).mapToObj(i -> "line " + i).toList();
    containers.thenExit(new ContainerExit(3, false), sbuild.toArray(String[]::new));

    BuildResult result = builder.build(request(HELLO), output::add);

    assertEquals(BuildStatus.FAILED, result.status());
    assertEquals(sbuild.subList(5, 35), result.failureExcerpt());
  }

  @Test
  void anExitOfZeroWithoutAChangesFileIsAFailure() throws Exception {
    containers.thenExit(new ContainerExit(0, false), "Status: successful");

    BuildResult result = builder.build(request(HELLO), output::add);

    assertEquals(BuildStatus.FAILED, result.status());
    assertEquals(Optional.empty(), result.changesFile());
    assertEquals(List.of("Status: successful"), result.failureExcerpt());
  }

  @Test
  void aBuildStoppedAtItsTimeLimitTimedOut() throws Exception {
    containers.thenExit(new ContainerExit(137, true), "dpkg-buildpackage: info: building");

    BuildResult result = builder.build(request(HELLO), output::add);

    assertEquals(BuildStatus.TIMED_OUT, result.status());
    assertEquals(List.of("dpkg-buildpackage: info: building"), result.failureExcerpt());
    assertEquals(Optional.empty(), result.changesFile());
    List<String> log = Files.readAllLines(result.log());
    assertTrue(log.contains("perestroika: build hello-1 timed out"), log::toString);
    assertTrue(log.contains("perestroika: stopped after the PT45M time limit"), log::toString);
    assertEquals(LIMITS.timeout(), containers.runs().get(0).timeout());
  }

  @Test
  void aCancelledBuildSaysSoInItsLogAndPassesTheInterruptOn() throws Exception {
    containers.thenRun(
        (spec, lines) -> {
          lines.accept("Reading package lists...");
          throw new InterruptedException();
        });

    assertThrows(InterruptedException.class, () -> builder.build(request(HELLO), output::add));

    assertEquals(
        List.of("Reading package lists...", "perestroika: build cancelled"),
        Files.readAllLines(out.resolve(LOG)));
  }

  @Test
  void aStagedChangelogThatIsALinkIsReplacedNotWrittenThrough() throws Exception {
    Path tree = SourceFixtures.tree(tmp.resolve("src"), "linked-1.0", "linked", "1.0", null);
    Path elsewhere = Files.move(tree.resolve("debian/changelog"), tmp.resolve("changelog"));
    Files.createSymbolicLink(tree.resolve("debian/changelog"), elsewhere);
    String before = Files.readString(elsewhere);
    List<String> staged = new ArrayList<>();
    containers.thenRun(
        (spec, lines) -> {
          Path changelog =
              FakeContainerRuntime.hostPath(spec, "/build").resolve("linked-1.0/debian/changelog");
          assertFalse(Files.isSymbolicLink(changelog));
          staged.addAll(Files.readAllLines(changelog));
          return new ContainerExit(1, false);
        });

    builder.build(request(tree, COMMITS), output::add);

    assertEquals(before, Files.readString(elsewhere));
    assertTrue(staged.contains("  * Build commit: " + COMMITS.build()), staged::toString);
  }

  @Test
  void commitsForADscOrCommitsTheChangelogContradictsAreRefusedBeforeAnythingRuns()
      throws IOException {
    Path dsc = SourceFixtures.helloDsc(tmp.resolve("src"));
    InvalidSourceException forDsc =
        assertThrows(
            InvalidSourceException.class, () -> builder.build(request(dsc, COMMITS), output::add));
    assertTrue(forDsc.getMessage().contains("is a .dsc, built as it is"), forDsc.getMessage());

    Path tree = SourceFixtures.tree(tmp.resolve("src"), "other-1.0", "other", "1.0", null);
    Path changelog = tree.resolve("debian/changelog");
    Files.writeString(
        changelog,
        Files.readString(changelog)
            .replace(
                "  * Test release.", "  * Test release.\n  * Source commit: " + "1".repeat(40)));
    InvalidSourceException contradicted =
        assertThrows(
            InvalidSourceException.class, () -> builder.build(request(tree, COMMITS), output::add));
    assertTrue(
        contradicted.getMessage().contains("but this build's source commit is " + COMMITS.source()),
        contradicted.getMessage());

    assertEquals(List.of(), containers.runs());
    assertEquals(List.of(), runner.commands());
    assertFalse(Files.exists(out));
  }

  @Test
  void aNonEmptyOutputDirectoryIsRefusedBeforeAnythingRuns() throws IOException {
    Path earlier = SourceFixtures.file(out, "earlier.build", "an earlier build");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> builder.build(request(HELLO), output::add));

    assertTrue(e.getMessage().contains(out + " is not empty"), e.getMessage());
    assertEquals(List.of(), containers.runs());
    assertEquals(List.of(), runner.commands());
    try (Stream<Path> entries = Files.list(out)) {
      assertEquals(List.of(earlier), entries.toList());
    }
  }

  @Test
  void aMissingChrootSaysHowToCreateIt() throws IOException {
    Files.delete(chrootRoot.resolve("bookworm/current"));

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> builder.build(request(HELLO), output::add));

    assertTrue(
        e.getMessage().contains("run `perestroika chroot create --dist bookworm`"), e.getMessage());
    assertFalse(e.retryable());
    assertEquals(List.of(), containers.runs());
    assertEquals(List.of(), runner.commands());
    assertFalse(Files.exists(out));
  }

  private BuildRequest request(Path source) {
    return new BuildRequest("hello-1", source, BOOKWORM, LIMITS, out, Optional.empty());
  }

  private BuildRequest request(Path source, SourceCommits commits) {
    return new BuildRequest("hello-1", source, BOOKWORM, LIMITS, out, Optional.of(commits));
  }

  private static ChrootSnapshot snapshot(Path directory) {
    return new ChrootSnapshot(
        "bookworm", SNAPSHOT, directory, Instant.parse("2026-01-01T00:00:00Z"));
  }

  private static void assertSandbox(
      ContainerSpec spec, String buildId, ChrootSnapshot snapshot, Path hostOut) {
    assertEquals("perestroika/sbuild:latest", spec.image());
    assertEquals(
        List.of(
            new BindMount(snapshot.directory(), "/srv/chroot", true),
            new BindMount(hostOut, "/build", false)),
        spec.binds());
    assertEquals(
        Map.of(
            "/var/lib/schroot/union/overlay", "rw,size=3221225472,mode=0755",
            "/var/lib/schroot/session", "rw,size=16m",
            "/var/lib/schroot/mount", "rw,size=16m",
            "/var/lib/schroot/union/underlay", "rw,size=16m"),
        spec.tmpfs());
    ProcessHandle self = ProcessHandle.current();
    assertEquals(
        Map.of(
            Ownership.BUILD_ID,
            buildId,
            Ownership.OWNER_PID,
            Long.toString(self.pid()),
            Ownership.OWNER_START,
            Long.toString(self.info().startInstant().orElseThrow().toEpochMilli()),
            ChrootStore.CHROOT_LABEL,
            "bookworm/" + SNAPSHOT,
            Ownership.OWNER_PID_NAMESPACE,
            Ownership.labels(buildId).get(Ownership.OWNER_PID_NAMESPACE)),
        spec.labels());
    assertEquals(ContainerSpec.Network.HOST, spec.network());
    assertEquals(2 * BuildLimits.GIB, spec.memoryBytes());
    assertEquals(1024, spec.pids());
    assertTrue(spec.mountCapable());
  }

  /**
   * What sbuild leaves in its build directory: the source package (unless it was given one), the
   * binary package, the buildinfo, a source-only .changes and the full .changes listing them all.
   * Returns the files the full .changes lists.
   */
  private static List<Path> writeUpload(Path build, boolean makeSource) throws IOException {
    Path orig = build.resolve(HELLO_ORIG.getFileName());
    Path debian = build.resolve(SourceFixtures.HELLO_DEBIAN_TARBALL);
    Path dsc = build.resolve("perestroika-hello_" + HELLO_VERSION + ".dsc");
    if (makeSource) {
      Files.writeString(debian, "debian/ as built");
      dsc = SourceFixtures.dsc(build, HELLO_SOURCE, HELLO_VERSION, List.of(orig, debian));
    }
    Path deb =
        SourceFixtures.file(
            build, "perestroika-hello_" + HELLO_VERSION + "_amd64.deb", "!<arch>\n");
    Path buildinfo =
        SourceFixtures.file(
            build, "perestroika-hello_" + HELLO_VERSION + "_amd64.buildinfo", "Format: 1.0\n");
    List<Path> files = List.of(dsc, orig, debian, deb, buildinfo);
    SourceFixtures.changes(
        build,
        "perestroika-hello_" + HELLO_VERSION + "_source.changes",
        HELLO_SOURCE,
        HELLO_VERSION,
        List.of(dsc, orig, debian));
    SourceFixtures.changes(build, CHANGES, HELLO_SOURCE, HELLO_VERSION, files);
    return files;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String border() {
    return "+" + "-".repeat(78) + "+";
  }

  /** An sbuild section header, padded to its box's width. */
  private static String box(String title) {
    return String.format("| %-77s|", title);
  }
}
