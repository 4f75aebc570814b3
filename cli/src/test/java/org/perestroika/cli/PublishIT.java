package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;

/** `perestroika publish` on real builds: the version policy as a person meets it. */
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

  private Path buildVersion(Path config, String version) throws InterruptedException {
    Path source =
        TestPackages.write(
            work.resolve("src-" + version), "perestroika-versioned", version, "true");
    Path out = work.resolve("out-" + version);
    PerestroikaProcess.Outcome build =
        PerestroikaProcess.run(
            work.resolve("build-" + version),
            "--config",
            config.toString(),
            "build",
            source.toString(),
            "--dist",
            "bookworm",
            "--out",
            out.toString());
    assertEquals(Main.OK, build.exitCode(), build::all);
    return out;
  }

  private PerestroikaProcess.Outcome publish(Path config, Path out) throws InterruptedException {
    return PerestroikaProcess.run(
        work.resolve("publish-" + out.getFileName()),
        "--config",
        config.toString(),
        "publish",
        out.toString(),
        "--release",
        "mos10.0",
        "--suite",
        "proposed");
  }
}
