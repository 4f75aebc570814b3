package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.apt.RealUploads;
import org.perestroika.testing.FakeUploads;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * `perestroika publish` and `perestroika promote` on real builds: the version policy and signed
 * uploads as a person meets them.
 */
class PublishIT {
  static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();

  @TempDir Path work;

  @BeforeAll
  static void machineIsReady() {
    Requirements.bookwormChroot();
    Requirements.requirePrograms("reprepro");
  }

  @Test
  void aLowerVersionIsRefusedNamingBothAndTheRepositoryStaysAsItWas() throws Exception {
    Path config = work.resolve("perestroika.yaml");
    Files.writeString(config, "publisher:\n  repo-root: " + work.resolve("mirror") + "\n");
    Path newer = buildVersion(config, "2.0+mos1");
    Path older = buildVersion(config, "1.5+mos1");

    PerestroikaProcess.Outcome first = publish(config, newer);
    assertEquals(Main.OK, first.exitCode(), first::all);
    Path inRelease = work.resolve("mirror/debian/dists/mos10.0-proposed/InRelease");
    byte[] before = Files.readAllBytes(inRelease);

    PerestroikaProcess.Outcome refused = publish(config, older);
    assertEquals(Main.REFUSED, refused.exitCode(), refused::all);
    assertTrue(
        refused
            .stderr()
            .contains(
                "perestroika-versioned 1.5+mos1 is lower than 2.0+mos1 in mos10.0-proposed:"
                    + " versions never go down within mos10.0"),
        refused::all);
    assertTrue(refused.stderr().contains("left as it was"), refused::all);
    assertArrayEquals(before, Files.readAllBytes(inRelease), "the repository changed");
  }

  @Test
  void everyViolationIsListedAgainstTheConfiguredGaReleasesAndBookwormsOwnPackages()
      throws Exception {
    Path config = work.resolve("perestroika.yaml");
    Files.writeString(
        config,
        "publisher:\n  repo-root: " + work.resolve("mirror") + "\n  ga-releases: [mos9.0]\n");
    // Debian's hello is 2.10-<revision>: a revision of 99 sorts above any it has had.
    Path changes = FakeUploads.deb(work.resolve("upload"), "hello", "2.10-99ubuntu1", "not built");

    PerestroikaProcess.Outcome refused =
        PerestroikaProcess.run(
            work.resolve("publish"),
            "--config",
            config.toString(),
            "publish",
            changes.toString(),
            "--dist",
            "bookworm",
            "--release",
            "mos9.0",
            "--suite",
            "base");

    assertEquals(Main.REFUSED, refused.exitCode(), refused::all);
    String stderr = refused.stderr();
    assertTrue(
        stderr.contains(
            "perestroika: mos9.0 refused hello_2.10-99ubuntu1_amd64.changes:\n"
                + "  - mos9.0 is past GA: its base suite is frozen; publish to mos9.0-updates or"
                + " -security\n"
                + "  - hello 2.10-99ubuntu1 contains a base distro vendor's trademark (ubuntu)"),
        refused::all);
    assertTrue(
        stderr.contains("  - hello 2.10-99ubuntu1 does not carry the keyword 'mos'"), refused::all);
    assertTrue(stderr.contains("  - hello 2.10-99ubuntu1 is not lower than 2.10-"), refused::all);
    assertTrue(
        stderr.contains(
            ", bookworm's package of the same upstream version: a divergent package must sort"
                + " below it, so that bookworm's takes over once ours is removed; use the ~"
                + " scheme, as in `perestroika versions mos divergent --from 2.10-"),
        refused::all);
    assertTrue(stderr.endsWith("perestroika: the repository was left as it was\n"), refused::all);
  }

  @Test
  void anUnreachableBaseDistroMirrorIsAnErrorNotASkippedRule() throws Exception {
    Path config = work.resolve("perestroika.yaml");
    Files.writeString(
        config,
        "dists:\n  bookworm: {family: debian, mirror: http://127.0.0.1:9/debian}\n"
            + "publisher:\n  repo-root: "
            + work.resolve("mirror")
            + "\n");
    Path changes =
        FakeUploads.deb(work.resolve("upload"), "perestroika-x", "1.0-1~deb12+mos1", "x");

    PerestroikaProcess.Outcome failed =
        PerestroikaProcess.run(
            work.resolve("publish"),
            "--config",
            config.toString(),
            "publish",
            changes.toString(),
            "--dist",
            "bookworm",
            "--release",
            "mos10.0");

    assertEquals(Main.ERROR, failed.exitCode(), failed::all);
    assertTrue(
        failed
            .stderr()
            .startsWith(
                "perestroika: error: cannot download"
                    + " http://127.0.0.1:9/debian/dists/bookworm/InRelease ("),
        failed::all);
    assertTrue(
        failed
            .stderr()
            .contains(
                "): the version policy needs bookworm's package index; check the network or the"
                    + " dist's mirror in the configuration\n(this may pass if tried again once"
                    + " the cause is fixed)"),
        failed::all);
    assertTrue(Files.notExists(work.resolve("mirror/debian")), "the repository was touched");
  }

  @Test
  void aDirectoryWithoutAChangesFileIsAnInputError() throws Exception {
    Path empty = Files.createDirectories(work.resolve("empty"));
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(
            work.resolve("log"),
            "publish",
            empty.toString(),
            "--release",
            "mos10.0",
            "--repo-root",
            work.resolve("mirror").toString());
    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(run.stderr().contains("holds 0 .changes files"), run::all);
  }

  @Test
  void signedUploadsArePublishedAndPromotedUnderThePolicy() throws Exception {
    try (ThrowawayGpgHome uploader = ThrowawayGpgHome.create()) {
      Path keyring = work.resolve("uploaders.gpg");
      run(
          "gpg",
          "--batch",
          "--homedir",
          uploader.home().toString(),
          "--output",
          keyring.toString(),
          "--export",
          uploader.fingerprint());
      Path config = work.resolve("perestroika.yaml");
      Files.writeString(
          config,
          "publisher:\n  repo-root: "
              + work.resolve("mirror")
              + "\n  uploaders-keyring: "
              + keyring
              + "\n");
      Map<String, String> gnupg = Map.of("GNUPGHOME", uploader.home().toString());
      Path newer =
          buildVersion(config, "2.0+mos1", gnupg, "--sign-changes", uploader.fingerprint());
      Path older = buildVersion(config, "1.5+mos1", Map.of());

      PerestroikaProcess.Outcome unsigned = publish(config, older, "security");
      assertEquals(Main.ERROR, unsigned.exitCode(), unsigned::all);
      assertTrue(unsigned.stderr().contains(" is not signed: "), unsigned::all);

      Path changes = changesIn(older);
      run(
          "gpg",
          "--batch",
          "--homedir",
          uploader.home().toString(),
          "--output",
          changes + ".asc",
          "--clearsign",
          changes.toString());
      Files.move(Path.of(changes + ".asc"), changes, StandardCopyOption.REPLACE_EXISTING);
      for (PerestroikaProcess.Outcome published :
          List.of(publish(config, older, "security"), publish(config, newer, "proposed"))) {
        assertEquals(Main.OK, published.exitCode(), published::all);
      }

      PerestroikaProcess.Outcome promoted =
          promote(config, "mos10.0-proposed", "mos10.0-updates", "perestroika-versioned");
      assertEquals(Main.OK, promoted.exitCode(), promoted::all);
      assertTrue(
          promoted.stdout().contains("[promote]   perestroika-versioned 2.0+mos1 source"),
          promoted::all);
      Path inRelease = work.resolve("mirror/debian/dists/mos10.0-updates/InRelease");
      byte[] before = Files.readAllBytes(inRelease);

      PerestroikaProcess.Outcome refused =
          promote(config, "mos10.0-security", "mos10.0-updates", "perestroika-versioned");
      assertEquals(Main.REFUSED, refused.exitCode(), refused::all);
      assertTrue(refused.stderr().contains("1.5+mos1 is lower than 2.0+mos1"), refused::all);
      assertTrue(refused.stderr().contains("left as it was"), refused::all);

      PerestroikaProcess.Outcome missing =
          promote(config, "mos10.0-proposed", "mos10.0-updates", "nova");
      assertEquals(Main.ERROR, missing.exitCode(), missing::all);
      assertTrue(
          missing
              .stderr()
              .contains("holds no nova to promote; it holds perestroika-versioned 2.0+mos1"),
          missing::all);
      assertArrayEquals(before, Files.readAllBytes(inRelease), "the repository changed");
    }
  }

  @Test
  void aPackagingOnlyRevisionCarriesItsOrigAndPublishesToAnEmptyRepositoryOrBesideItsOrig()
      throws Exception {
    // The example's second revision of the same upstream version, as a packaging fix would be:
    // dpkg-genchanges leaves the orig out of such an upload unless told otherwise.
    Path tree = Files.createDirectories(work.resolve("src")).resolve("perestroika-hello");
    run("cp", "-a", EXAMPLE.toString(), tree.toString());
    run(
        "cp",
        EXAMPLE.resolveSibling("perestroika-hello_1.0.orig.tar.gz").toString(),
        tree.resolveSibling("perestroika-hello_1.0.orig.tar.gz").toString());
    Path changelog = tree.resolve("debian/changelog");
    Files.writeString(
        changelog,
        "perestroika-hello (1.0-1~deb12+mos2) mos10.0; urgency=medium\n\n"
            + "  * Packaging fix on the same upstream version.\n\n"
            + " -- Perestroika Build Farm <builds@perestroika.invalid>  Sun, 22 Nov 2026 12:00:00"
            + " +0000\n\n"
            + Files.readString(changelog));
    Path second = buildExample(tree, "mos2");

    String changes = Files.readString(changesIn(second));
    assertTrue(
        changes
            .substring(changes.indexOf("\nFiles:\n"))
            .contains(" perestroika-hello_1.0.orig.tar.gz\n"),
        changes);

    // A change's review repository is new and empty: it has never seen that upstream version.
    Path review = work.resolve("review/CR-4242");
    PerestroikaProcess.Outcome published = publishTo(review, second);
    assertEquals(Main.OK, published.exitCode(), published::all);
    Path pool = review.resolve("debian/pool/main/p/perestroika-hello");
    for (String file :
        List.of(
            "perestroika-hello_1.0.orig.tar.gz",
            "perestroika-hello_1.0-1~deb12+mos2.dsc",
            "perestroika-hello_1.0-1~deb12+mos2_amd64.deb")) {
      assertTrue(Files.isRegularFile(pool.resolve(file)), file + " in " + pool);
    }

    // The release already holds the orig from the first revision: the same one is taken again.
    Path release = work.resolve("mirror");
    PerestroikaProcess.Outcome first = publishTo(release, buildExample(EXAMPLE, "mos1"));
    assertEquals(Main.OK, first.exitCode(), first::all);
    PerestroikaProcess.Outcome onTop = publishTo(release, second);
    assertEquals(Main.OK, onTop.exitCode(), onTop::all);
    assertTrue(
        Files.readString(
                release.resolve("debian/dists/mos10.0-proposed/main/binary-amd64/Packages"))
            .contains("Version: 1.0-1~deb12+mos2\n"));
  }

  private Path buildExample(Path tree, String name) throws InterruptedException {
    Path out = work.resolve("out-" + name);
    List<String> args =
        new ArrayList<>(
            List.of("build", tree.toString(), "--dist", "bookworm", "--out", out.toString()));
    args.addAll(List.of(PerestroikaProcess.COMMITS));
    PerestroikaProcess.Outcome build =
        PerestroikaProcess.run(work.resolve("build-" + name), args.toArray(String[]::new));
    assertEquals(Main.OK, build.exitCode(), build::all);
    return out;
  }

  private PerestroikaProcess.Outcome publishTo(Path repoRoot, Path out)
      throws InterruptedException {
    return PerestroikaProcess.run(
        work.resolve("publish-" + out.getFileName() + "-" + System.nanoTime()),
        "publish",
        out.toString(),
        "--release",
        "mos10.0",
        "--suite",
        "proposed",
        "--repo-root",
        repoRoot.toString());
  }

  @Test
  void twoPublishesAtOnceAreSerializedAndBothLand() throws Exception {
    Path config = work.resolve("perestroika.yaml");
    Files.writeString(config, "publisher:\n  repo-root: " + work.resolve("mirror") + "\n");
    RealUploads uploads = new RealUploads(work.resolve("uploads"));
    List<Process> publishes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (String source : List.of("perestroika-one", "perestroika-two")) {
      Path changes = uploads.build(source, "1.0-1~deb12+mos1", source);
      Path log = work.resolve("publish-" + source);
      logs.add(log);
      publishes.add(
          PerestroikaProcess.start(
              log,
              "--config",
              config.toString(),
              "publish",
              changes.toString(),
              "--release",
              "mos10.0"));
    }
    for (int i = 0; i < publishes.size(); i++) {
      PerestroikaProcess.Outcome outcome =
          PerestroikaProcess.outcome(logs.get(i), publishes.get(i).waitFor());
      assertEquals(Main.OK, outcome.exitCode(), outcome::all);
    }

    Path suite = work.resolve("mirror/debian/dists/mos10.0-proposed");
    Path key = work.resolve("mirror/debian/project/mos-archive-keyring.gpg");
    new ProcessCommandRunner()
        .check(
            Command.of("gpgv", "--keyring", key.toString(), suite.resolve("InRelease").toString()));
    String packages = Files.readString(suite.resolve("main/binary-amd64/Packages"));
    assertTrue(packages.contains("Package: perestroika-one\n"), packages);
    assertTrue(packages.contains("Package: perestroika-two\n"), packages);
  }

  private PerestroikaProcess.Outcome promote(Path config, String from, String to, String pkg)
      throws InterruptedException {
    return PerestroikaProcess.run(
        work.resolve("promote-" + from + "-" + to + "-" + pkg),
        "--config",
        config.toString(),
        "promote",
        "--from",
        from,
        "--to",
        to,
        pkg);
  }

  private static Path changesIn(Path out) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("_amd64.changes"))
          .findFirst()
          .orElseThrow();
    }
  }

  private static void run(String... argv) {
    new ProcessCommandRunner().check(Command.of(argv));
  }

  private Path buildVersion(Path config, String version) throws InterruptedException {
    return buildVersion(config, version, Map.of());
  }

  private Path buildVersion(
      Path config, String version, Map<String, String> environment, String... extra)
      throws InterruptedException {
    Path source =
        TestPackages.write(
            work.resolve("src-" + version), "perestroika-versioned", version, "true");
    Path out = work.resolve("out-" + version);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "build",
                source.toString(),
                "--dist",
                "bookworm",
                "--out",
                out.toString()));
    args.addAll(List.of(PerestroikaProcess.COMMITS));
    args.addAll(List.of(extra));
    PerestroikaProcess.Outcome build =
        PerestroikaProcess.run(
            work.resolve("build-" + version), environment, args.toArray(String[]::new));
    assertEquals(Main.OK, build.exitCode(), build::all);
    return out;
  }

  private PerestroikaProcess.Outcome publish(Path config, Path out) throws InterruptedException {
    return publish(config, out, "proposed");
  }

  private PerestroikaProcess.Outcome publish(Path config, Path out, String suite)
      throws InterruptedException {
    return PerestroikaProcess.run(
        work.resolve("publish-" + out.getFileName() + "-" + suite + "-" + System.nanoTime()),
        "--config",
        config.toString(),
        "publish",
        out.toString(),
        "--release",
        "mos10.0",
        "--suite",
        suite);
  }
}
