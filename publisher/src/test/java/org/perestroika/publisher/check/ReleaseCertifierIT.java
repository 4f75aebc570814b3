package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.DebUploads;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * Certifies releases the real publisher made (reprepro, gpg), with the real gpgv and dose, against
 * a small base distribution: a good release passes, and each kind of damage fails the check that
 * covers it, and only that one.
 */
class ReleaseCertifierIT {
  private static final Release MOS10 = new Release("mos10.0");
  private static ThrowawayGpgHome key;

  private final CommandRunner runner = new ProcessCommandRunner();
  @TempDir Path dir;
  private Path root;
  private DebUploads uploads;
  private AptRepository repository;
  private GpgKeyring keyring;
  private List<Path> base;

  @BeforeAll
  static void createKey() {
    Requirements.requirePrograms(
        "reprepro", "gpg", "gpgv", "gpgconf", Dose.DISTCHECK, Dose.BUILDDEBCHECK);
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  /** A good release: mos9.0 had hello 1.0; mos10.0 has hello 2.0 and an update that needs it. */
  @BeforeEach
  void publishAGoodRelease() {
    root = dir.resolve("repos/debian");
    uploads = new DebUploads(dir.resolve("uploads"));
    keyring = GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint()));
    repository =
        new AptRepository(
            AptRepositoryConfig.defaults(root), runner, keyring, FixedBaseDistro.emptyBasePolicy());
    base = List.of(DebUploads.writeBasePackages(dir.resolve("base/Packages")));
    publish(uploads.build("perestroika-hello", "1.0+mos1"), "mos9.0");
    publish(uploads.build("perestroika-hello", "2.0+mos1"), "mos10.0");
    publish(
        uploads.build(
            "perestroika-greeter",
            "1.0+mos1",
            "perestroika-hello (>= 2.0), libc6",
            "debhelper-compat (= 13), perestroika-hello"),
        "mos10.0-updates");
  }

  @Test
  void aGoodReleasePassesEveryCheck() {
    CertificationReport report = certify();

    assertTrue(report.passed(), report.render());
    assertEquals(
        List.of(
            "19 signatures against project/mos-archive-keyring.gpg, 108 files listed in Release"
                + " files and 9 pool files, in 9 suites",
            "2 source packages in 6 suites, against 3 suites of earlier releases and the base"
                + " suite",
            "2 binary packages (amd64) against the release plus the base distribution",
            "2 source packages (amd64, as sbuild resolves) against the release plus the base"
                + " distribution"),
        report.checks().stream().map(CheckResult::summary).toList());
    assertEquals(List.of(new Release("mos9.0")), report.earlier());
    assertTrue(report.render().endsWith("\nmos10.0 passes certification\n"), report.render());
  }

  @Test
  void aPackageDependingOnAMissingPackageFailsInstallability() {
    publish(
        uploads.build("perestroika-lonely", "1.0+mos1", "perestroika-nowhere (>= 1.0)", ""),
        "mos10.0-proposed");

    CertificationReport report = certify();

    assertEquals(
        List.of(
            "perestroika-lonely 1.0+mos1 [amd64]: depends on perestroika-nowhere:amd64 (>= 1.0), which"
                + " no package of the release or the base distribution satisfies"),
        problems(report, "installability"));
    assertOnlyFailed(report, "installability");
    assertTrue(
        report.render().contains("[installability] FAILED: 1 problem, checked 3 binary packages"),
        report.render());
  }

  @Test
  void aSourceWhoseBuildDependenciesCannotBeMetFailsBuildDependencies() {
    publish(
        uploads.build(
            "perestroika-needy",
            "1.0+mos1",
            "libc6",
            "debhelper-compat (= 13), libperestroika-missing-dev (>= 2)"),
        "mos10.0-proposed");

    CertificationReport report = certify();

    assertEquals(
        List.of(
            "perestroika-needy 1.0+mos1 (source): build-depends on libperestroika-missing-dev:amd64"
                + " (>= 2), which no package of the release or the base distribution satisfies"),
        problems(report, "build dependencies"));
    assertOnlyFailed(report, "build dependencies");
  }

  @Test
  void aTamperedPackagesFileAndAMissingSignatureFailTheSignatureCheck() throws IOException {
    Path packages = root.resolve("dists/mos10.0/main/binary-amd64/Packages");
    String text = Files.readString(packages);
    Files.writeString(packages, text.replace("Maintainer: Perestroika", "Maintainer: Perestrojka"));
    Files.delete(root.resolve("dists/mos10.0-updates/Release.gpg"));

    CertificationReport report = certify();

    List<String> problems = problems(report, IntegrityCheck.NAME);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems
            .get(0)
            .startsWith(
                "mos10.0: main/binary-amd64/Packages does not match the SHA256 in its Release"),
        problems.toString());
    assertEquals(
        "dists/mos10.0-updates/Release.gpg is missing: the file is unsigned", problems.get(1));
    assertOnlyFailed(report, IntegrityCheck.NAME);
  }

  @Test
  void aDowngradeWrittenStraightWithRepreproFailsTheProgression() throws IOException {
    // reprepro alone knows nothing of releases: it takes a version lower than both mos9.0 and
    // the release's own base. The suite is then signed again so that only the versions are wrong.
    Path snapshot = root.toRealPath().getParent();
    Path changes = uploads.build("perestroika-hello", "0.9+mos1");
    runner.check(
        Command.of(
            "reprepro",
            "--basedir",
            snapshot.toString(),
            "--confdir",
            snapshot.resolve("conf").toString(),
            "--dbdir",
            snapshot.resolve("db").toString(),
            "--outdir",
            snapshot.resolve("public").toString(),
            "--ignore=wrongdistribution",
            "include",
            "mos10.0-security",
            changes.toString()));
    Path suite = root.resolve("dists/mos10.0-security");
    keyring.clearsign(suite.resolve("Release"), suite.resolve("InRelease"));
    keyring.detachSign(suite.resolve("Release"), suite.resolve("Release.gpg"));

    CertificationReport report = certify();

    assertEquals(
        List.of(
            "perestroika-hello 0.9+mos1 in mos10.0-security is lower than 1.0+mos1 in mos9.0: clients"
                + " upgrading from mos9.0 would be downgraded",
            "perestroika-hello 0.9+mos1 in mos10.0-security is lower than 2.0+mos1 in mos10.0, the"
                + " release's base suite: the update is a downgrade"),
        problems(report, ProgressionCheck.NAME));
    assertOnlyFailed(report, ProgressionCheck.NAME);
  }

  private CertificationReport certify() {
    return new ReleaseCertifier(runner).certify(root, MOS10, ReleaseProgression.natural(), base);
  }

  private void publish(Path changes, String codename) {
    PublishResult result = repository.publish(changes, PublishTarget.parse(codename));
    assertTrue(result instanceof PublishResult.Published, result.toString());
  }

  private static List<String> problems(CertificationReport report, String check) {
    return report.checks().stream()
        .filter(result -> result.name().equals(check))
        .findFirst()
        .orElseThrow()
        .problems();
  }

  private static void assertOnlyFailed(CertificationReport report, String check) {
    assertFalse(report.passed());
    assertEquals(
        List.of(check),
        report.checks().stream().filter(r -> !r.passed()).map(CheckResult::name).toList(),
        report.render());
  }
}
