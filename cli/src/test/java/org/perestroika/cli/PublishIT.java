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
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * `perestroika publish` and `perestroika promote` on real builds: the version policy and signed
 * uploads as a person meets them.
 */
class PublishIT {
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
    Path newer = buildVersion(config, "2.0");
    Path older = buildVersion(config, "1.5");

    PerestroikaProcess.Outcome first = publish(config, newer);
    assertEquals(Main.OK, first.exitCode(), first::all);
    Path inRelease = work.resolve("mirror/debian/dists/mos10.0-proposed/InRelease");
    byte[] before = Files.readAllBytes(inRelease);

    PerestroikaProcess.Outcome refused = publish(config, older);
    assertEquals(Main.REFUSED, refused.exitCode(), refused::all);
    assertTrue(refused.stderr().contains("1.5"), refused::all);
    assertTrue(refused.stderr().contains("2.0"), refused::all);
    assertTrue(refused.stderr().contains("left as it was"), refused::all);
    assertArrayEquals(before, Files.readAllBytes(inRelease), "the repository changed");
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
      Path newer = buildVersion(config, "2.0", gnupg, "--sign-changes", uploader.fingerprint());
      Path older = buildVersion(config, "1.5", Map.of());

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
          List.of(publish(config, newer, "proposed"), publish(config, older, "security"))) {
        assertEquals(Main.OK, published.exitCode(), published::all);
      }

      PerestroikaProcess.Outcome promoted =
          promote(config, "mos10.0-proposed", "mos10.0-updates", "perestroika-versioned");
      assertEquals(Main.OK, promoted.exitCode(), promoted::all);
      assertTrue(
          promoted.stdout().contains("[promote]   perestroika-versioned 2.0 source"),
          promoted::all);
      Path inRelease = work.resolve("mirror/debian/dists/mos10.0-updates/InRelease");
      byte[] before = Files.readAllBytes(inRelease);

      PerestroikaProcess.Outcome refused =
          promote(config, "mos10.0-security", "mos10.0-updates", "perestroika-versioned");
      assertEquals(Main.REFUSED, refused.exitCode(), refused::all);
      assertTrue(refused.stderr().contains("1.5 is lower than 2.0"), refused::all);
      assertTrue(refused.stderr().contains("left as it was"), refused::all);

      PerestroikaProcess.Outcome missing =
          promote(config, "mos10.0-proposed", "mos10.0-updates", "nova");
      assertEquals(Main.ERROR, missing.exitCode(), missing::all);
      assertTrue(
          missing.stderr().contains("holds no nova to promote; it holds perestroika-versioned 2.0"),
          missing::all);
      assertArrayEquals(before, Files.readAllBytes(inRelease), "the repository changed");
    }
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
