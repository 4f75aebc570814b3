package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

/** What the certifier runs and reports, with gpgv and dose answered by a fake. */
class ReleaseCertifierTest {
  private static final Release MOS10 = new Release("mos10.0");

  @TempDir Path dir;
  private FakeTree tree;
  private Path base;

  @BeforeEach
  void setUp() throws IOException {
    tree = new FakeTree(dir.resolve("debian")).suite("mos10.0").suite("mos10.0-updates");
    base = Files.writeString(dir.resolve("base-Packages"), "Package: libc6\nVersion: 2.36\n");
  }

  @Test
  void theReportListsEveryCheckAndTheBrokenPackages() throws IOException {
    String broken = DoseReportTest.resource("distcheck.yaml");
    String fine = DoseReportTest.resource("distcheck-ok.yaml");
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command ->
                command.argv().get(0).equals(Dose.DISTCHECK)
                    ? new CommandResult(1, broken, "")
                    : new CommandResult(
                        0, command.argv().get(0).startsWith("dose") ? fine : "", ""));

    CertificationReport report =
        new ReleaseCertifier(runner)
            .certify(tree.root, MOS10, ReleaseProgression.natural(), List.of(base));

    Path real = tree.root.toRealPath();
    assertEquals(
        "Certifying mos10.0 in "
            + real
            + "\n  suites: mos10.0, mos10.0-updates\n  earlier releases: none in this tree\n"
            + "  base distribution: 1 Packages file\n    "
            + base
            + "\n\n"
            + "[signatures and checksums] OK, checked 5 signatures against"
            + " project/mos-archive-keyring.gpg, 4 files listed in Release files and 3 pool"
            + " files, in 2 suites\n"
            + "[progression] OK, checked 1 source package in 2 suites, against no earlier release"
            + " and the base suite\n"
            + "[installability] FAILED: 4 problems, checked 1 binary package (amd64) against the"
            + " release plus the base distribution\n"
            + "  - rebel 2.0-1 [amd64]: conflicts with coreutils:amd64, but coreutils 9.1-1"
            + " (essential) is needed too\n"
            + "  - lonely 0.1-1+mos1 [amd64]: depends on nothing-here:amd64 | also-missing:amd64"
            + " (>= 2.0~), which no package of the release or the base distribution satisfies\n"
            + "  - leaning 1.10 [amd64]: leaning 1.10 depends on lonely:amd64; lonely 0.1-1+mos1"
            + " depends on nothing-here:amd64 | also-missing:amd64 (>= 2.0~), which no package of"
            + " the release or the base distribution satisfies\n"
            + "  - app 1.0-1 [amd64]: libfoo 2.1-1 conflicts with libbar:amd64, but libbar 3.0-1"
            + " is needed too (app 1.0-1 depends on libfoo:amd64 (>= 2); app 1.0-1 depends on"
            + " helper:amd64, helper 1:0.5-1 depends on libbar:amd64 | libbaz:amd64)\n"
            + "[build dependencies] OK, checked 1 source package (amd64, as sbuild resolves)"
            + " against the release plus the base distribution\n"
            + "\nmos10.0 FAILS certification: installability\n",
        report.render());
    List<String> dose =
        runner.commandLines().stream().filter(line -> line.startsWith("dose")).toList();
    Path suites = real.resolve("dists");
    assertEquals(2, dose.size(), dose.toString());
    assertEquals(
        "dose-distcheck --deb-native-arch=amd64 --explain --failures --fg=deb://"
            + suites.resolve("mos10.0/main/binary-amd64/Packages")
            + " --fg=deb://"
            + suites.resolve("mos10.0-updates/main/binary-amd64/Packages")
            + " --bg=deb://"
            + base,
        dose.get(0));
    assertTrue(
        dose.get(1)
            .startsWith(
                "dose-builddebcheck --deb-native-arch=amd64 --deb-emulate-sbuild --explain"
                    + " --failures "
                    + suites.resolve("mos10.0/main/binary-amd64/Packages")
                    + " "
                    + suites.resolve("mos10.0-updates/main/binary-amd64/Packages")
                    + " "
                    + base
                    + " /"),
        dose.get(1));
  }

  @Test
  void withoutBasePackagesNothingIsChecked() {
    CheckException e =
        assertThrows(
            CheckException.class,
            () ->
                new ReleaseCertifier(new RecordingCommandRunner())
                    .certify(tree.root, MOS10, ReleaseProgression.natural(), List.of()));

    assertEquals(
        "no Packages file of the base distribution was given: installability and build"
            + " dependencies need one",
        e.getMessage());
  }

  @Test
  void aMissingBasePackagesFileIsAnError() {
    Path missing = dir.resolve("nowhere/Packages");

    CheckException e =
        assertThrows(
            CheckException.class,
            () ->
                new ReleaseCertifier(new RecordingCommandRunner())
                    .certify(tree.root, MOS10, ReleaseProgression.natural(), List.of(missing)));

    assertEquals(
        "the base distribution's Packages file " + missing + " cannot be read", e.getMessage());
  }

  @Test
  void aReleaseWithoutSuitesInTheTreeIsAnErrorNamingTheReleasesThere() {
    CheckException e =
        assertThrows(
            CheckException.class,
            () ->
                new ReleaseCertifier(new RecordingCommandRunner())
                    .certify(
                        tree.root,
                        new Release("mos11.0"),
                        ReleaseProgression.natural(),
                        List.of(base)));

    assertEquals(
        "the repository at " + tree.root + " has no suite of mos11.0; it has mos10.0",
        e.getMessage());
  }

  @Test
  void aConfiguredProgressionMustNameTheRelease() {
    ReleaseProgression configured = new ReleaseProgression(List.of(new Release("mos9.0")));

    CheckException e =
        assertThrows(
            CheckException.class,
            () ->
                new ReleaseCertifier(new RecordingCommandRunner())
                    .certify(tree.root, MOS10, configured, List.of(base)));

    assertTrue(e.getMessage().startsWith("release mos10.0 is not in the configured progression"));
  }
}
