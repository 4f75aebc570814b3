package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.DebUploads;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/** `perestroika repo check` on releases the real publisher made: the report and the exit code. */
class RepoCheckIT {
  private static ThrowawayGpgHome key;

  @TempDir Path work;
  private DebUploads uploads;
  private AptRepository repository;
  private Path base;

  @BeforeAll
  static void createKey() {
    Requirements.requirePrograms(
        "reprepro", "gpg", "gpgv", "gpgconf", "dose-distcheck", "dose-builddebcheck");
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @BeforeEach
  void publishAGoodRelease() {
    ProcessCommandRunner runner = new ProcessCommandRunner();
    uploads = new DebUploads(work.resolve("uploads"));
    repository =
        new AptRepository(
            AptRepositoryConfig.defaults(work.resolve("repos/debian")),
            runner,
            GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint())),
            FixedBaseDistro.emptyBasePolicy());
    base = DebUploads.writeBasePackages(work.resolve("base/Packages"));
    publish(uploads.build("perestroika-hello", "2.0+mos1"), "mos10.0");
    publish(
        uploads.build(
            "perestroika-greeter",
            "1.0+mos1",
            "perestroika-hello (>= 2.0), libc6",
            "debhelper-compat (= 13)"),
        "mos10.0-updates");
  }

  @Test
  void aGoodReleaseExitsZeroWithTheReport() throws Exception {
    PerestroikaProcess.Outcome run = check("--base-packages", base.toString());

    assertEquals(Main.OK, run.exitCode(), run::all);
    assertTrue(
        run.stdout().contains("[installability] OK, checked 2 binary packages (amd64)"), run::all);
    assertTrue(
        run.stdout().contains("[build dependencies] OK, checked 2 source packages"), run::all);
    assertTrue(run.stdout().endsWith("mos10.0 passes certification\n"), run::all);
  }

  @Test
  void aBrokenReleaseExitsOneNamingThePackage() throws Exception {
    publish(
        uploads.build("perestroika-lonely", "1.0+mos1", "perestroika-nowhere (>= 1.0)", ""),
        "mos10.0-proposed");

    PerestroikaProcess.Outcome run = check("--base-packages", base.toString());

    assertEquals(Main.REFUSED, run.exitCode(), run::all);
    assertTrue(
        run.stdout()
            .contains(
                "  - perestroika-lonely 1.0+mos1 [amd64]: depends on perestroika-nowhere:amd64 (>= 1.0)"),
        run::all);
    assertTrue(run.stdout().endsWith("mos10.0 FAILS certification: installability\n"), run::all);
  }

  @Test
  void aMissingRepositoryIsAnError() throws Exception {
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(
            work.resolve("log"),
            "repo",
            "check",
            "--release",
            "mos10.0",
            "--repo-root",
            work.resolve("elsewhere").toString(),
            "--base-packages",
            base.toString());

    assertEquals(Main.ERROR, run.exitCode(), run::all);
    assertTrue(
        run.stderr()
            .contains("there is no published repository at " + work.resolve("elsewhere/debian")),
        run::all);
  }

  @Test
  void withoutBasePackagesTheDistMirrorsSignedIndexIsTheBase() throws Exception {
    PerestroikaProcess.Outcome run =
        checkWith(List.of("--state-dir", Requirements.STATE_DIR.toString()), List.of());

    assertEquals(Main.OK, run.exitCode(), run::all);
    assertTrue(
        run.stdout()
            .startsWith(
                "[check] base distribution: bookworm's Packages files from"
                    + " http://deb.debian.org/debian, signature checked"),
        run::all);
  }

  private PerestroikaProcess.Outcome check(String... options) throws InterruptedException {
    return checkWith(List.of(), List.of(options));
  }

  /** Runs the check; {@code global} options go before the subcommand, {@code more} after it. */
  private PerestroikaProcess.Outcome checkWith(List<String> global, List<String> more)
      throws InterruptedException {
    List<String> args = new ArrayList<>(global);
    args.addAll(
        List.of(
            "repo",
            "check",
            "--release",
            "mos10.0",
            "--repo-root",
            work.resolve("repos").toString()));
    args.addAll(more);
    return PerestroikaProcess.run(work.resolve("log"), args.toArray(String[]::new));
  }

  private void publish(Path changes, String codename) {
    assertInstanceOf(
        PublishResult.Published.class, repository.publish(changes, PublishTarget.parse(codename)));
  }
}
