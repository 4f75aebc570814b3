package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.testing.RecordingCommandRunner;

/** The checksum rules, on trees written by hand; gpgv is answered by a fake. */
class IntegrityCheckTest {
  private static final String PACKAGES = "dists/mos10.0/main/binary-amd64/Packages";
  private static final String DEB = "pool/main/h/hello/hello_1.0_amd64.deb";

  @TempDir Path dir;
  private FakeTree tree;
  private Path key;

  @BeforeEach
  void setUp() throws IOException {
    tree = new FakeTree(dir.resolve("debian")).suite("mos10.0");
    key = tree.root.toRealPath().resolve("project/mos-archive-keyring.gpg");
  }

  @Test
  void anIntactSuitePassesAndEverySignatureIsVerifiedWithThePublishedKey() {
    RecordingCommandRunner gpgv = new RecordingCommandRunner();

    CheckResult result = check(gpgv);

    assertEquals(List.of(), result.problems());
    assertEquals(
        "3 signatures against project/mos-archive-keyring.gpg, 2 files listed in Release files"
            + " and 3 pool files, in 1 suite",
        result.summary());
    Path suite = key.getParent().resolveSibling("dists/mos10.0");
    assertEquals(
        List.of(
            "gpgv --keyring "
                + key
                + " "
                + key.resolveSibling("mos-archive-keyring.sig")
                + " "
                + key,
            "gpgv --keyring " + key + " " + suite.resolve("InRelease"),
            "gpgv --keyring "
                + key
                + " "
                + suite.resolve("Release.gpg")
                + " "
                + suite.resolve("Release")),
        gpgv.commandLines());
  }

  @Test
  void aPackagesFileChangedAfterSigningNoLongerMatchesItsRelease() {
    String listed = tree.sha256(PACKAGES);
    tree.replace(PACKAGES, "Version: 1.0", "Version: 9.9");

    CheckResult result = check(new RecordingCommandRunner());

    assertEquals(
        List.of(
            "mos10.0: main/binary-amd64/Packages does not match the SHA256 in its Release (listed "
                + listed.substring(0, 16)
                + "..., file "
                + tree.sha256(PACKAGES).substring(0, 16)
                + "...)"),
        result.problems());
  }

  @Test
  void aPoolFileMustHaveTheSizeAndChecksumItsIndexGives() throws IOException {
    long listed = tree.size(DEB);
    tree.write(DEB, "another deb, longer than before");
    tree.write("pool/main/h/hello/hello_1.0.dsc", "a DSC");
    Path packages = tree.root.toRealPath().resolve(PACKAGES);
    Path sources = packages.getParent().resolveSibling("source/Sources");

    CheckResult result = check(new RecordingCommandRunner());

    assertEquals(2, result.problems().size(), result.problems().toString());
    assertEquals(
        "mos10.0: " + DEB + " has 31 bytes but " + packages + ":1 says " + listed,
        result.problems().get(0));
    assertEquals(
        "mos10.0: pool/main/h/hello/hello_1.0.dsc does not match the SHA256 in "
            + sources
            + ":1 (listed "
            + result.problems().get(1).split("listed ")[1],
        result.problems().get(1));
  }

  @Test
  void missingFilesAreReported() throws IOException {
    tree.delete("dists/mos10.0/Release.gpg");
    tree.delete(DEB);

    CheckResult result = check(new RecordingCommandRunner());

    assertEquals(
        List.of(
            "dists/mos10.0/Release.gpg is missing: the file is unsigned",
            "mos10.0: "
                + DEB
                + " is listed in "
                + tree.root.toRealPath().resolve(PACKAGES)
                + ":1 but missing"),
        result.problems());
  }

  @Test
  void aSignatureGpgvRejectsIsReportedWithGpgvsReason() {
    RecordingCommandRunner gpgv =
        new RecordingCommandRunner(
            command ->
                command.argv().get(3).endsWith("InRelease")
                    ? new CommandResult(
                        1,
                        "",
                        "gpgv: Signature made Sat Nov 21 12:00:00 2026 UTC\n"
                            + "gpgv: BAD signature from \"Perestroika\" [unknown]\n")
                    : new CommandResult(0, "", ""));

    CheckResult result = check(gpgv);

    assertEquals(
        List.of(
            "dists/mos10.0/InRelease does not verify with the published key: BAD signature from"
                + " \"Perestroika\" [unknown]"),
        result.problems());
  }

  @Test
  void withoutThePublishedKeyNothingCanBeVerified() {
    tree.delete("project/mos-archive-keyring.gpg");
    RecordingCommandRunner gpgv = new RecordingCommandRunner();

    CheckResult result = check(gpgv);

    assertEquals(
        List.of(
            "the public key project/mos-archive-keyring.gpg is missing, so no signature can be"
                + " verified"),
        result.problems());
    assertEquals(List.of(), gpgv.commandLines());
  }

  @Test
  void inReleaseMustSayWhatReleaseSays() {
    tree.replace("dists/mos10.0/InRelease", "Origin: Perestroika", "Origin: Someone Else");

    assertEquals(
        List.of("mos10.0: InRelease and Release say different things"),
        check(new RecordingCommandRunner()).problems());
  }

  @Test
  void aReleaseFromAnotherSuiteIsRefused() {
    tree.suite("mos10.0-updates");
    tree.replace("dists/mos10.0-updates/Release", "Codename: mos10.0-updates", "Codename: mos10.0");
    tree.replace(
        "dists/mos10.0-updates/InRelease", "Codename: mos10.0-updates", "Codename: mos10.0");

    CheckResult result =
        new IntegrityCheck(new RecordingCommandRunner())
            .check(open(), List.of(load("mos10.0"), load("mos10.0-updates")));

    assertEquals(
        List.of(
            "mos10.0-updates: its Release says Codename 'mos10.0', so apt would refuse it as"
                + " mos10.0-updates"),
        result.problems());
  }

  @Test
  void aSuiteWithoutReleaseIsUnsigned() {
    tree.delete("dists/mos10.0/Release");

    assertEquals(
        List.of("mos10.0: the Release file is missing, so nothing in the suite is signed"),
        check(new RecordingCommandRunner()).problems());
  }

  @Test
  void anIndexCannotPointOutsideTheRepository() throws IOException {
    tree.replace(PACKAGES, "Filename: pool/main/h/hello/", "Filename: ../../../../etc/");
    tree.writeRelease("mos10.0");

    assertEquals(
        List.of(
            "mos10.0: "
                + tree.root.toRealPath().resolve(PACKAGES)
                + ":1 names ../../../../etc/hello_1.0_amd64.deb, outside the repository"),
        check(new RecordingCommandRunner()).problems());
  }

  @Test
  void anIndexPublishedOnlyCompressedIsCheckedAfterDecompressing() throws IOException {
    // As reprepro does for Sources: Release lists the plain form, only the .gz is on disk.
    String sources = "dists/mos10.0/main/source/Sources";
    gzip(
        sources,
        Files.readString(tree.root.resolve(sources)).replace("Version: 1.0", "Version: 6.6"));
    tree.delete(sources);
    tree.replace(
        "dists/mos10.0/Release",
        " main/source/Sources\n",
        " main/source/Sources\n " + gzLine(sources + ".gz"));
    tree.replace(
        "dists/mos10.0/InRelease",
        " main/source/Sources\n",
        " main/source/Sources\n " + gzLine(sources + ".gz"));

    List<String> problems = check(new RecordingCommandRunner()).problems();

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems
            .get(0)
            .startsWith(
                "mos10.0: main/source/Sources (decompressed) does not match the SHA256 in its"
                    + " Release"),
        problems.toString());
  }

  private void gzip(String path, String text) throws IOException {
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(tree.root.resolve(path + ".gz")))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String gzLine(String path) {
    return tree.sha256(path) + " " + tree.size(path) + " main/source/Sources.gz\n";
  }

  @Test
  void gpgvThatCannotRunIsAnErrorNotAFailedCheck() {
    CommandRunner missing =
        command -> {
          throw new CommandFailedException(command, "could not be started", null);
        };

    CheckException e = assertThrows(CheckException.class, () -> check(missing));

    assertEquals(
        "gpgv could not be run (install the gpgv package): `gpgv --keyring "
            + key
            + " "
            + key.resolveSibling("mos-archive-keyring.sig")
            + " "
            + key
            + "` could not be started",
        e.getMessage());
  }

  private CheckResult check(CommandRunner gpgv) {
    return new IntegrityCheck(gpgv).check(open(), List.of(load("mos10.0")));
  }

  private ReleaseTree open() {
    return ReleaseTree.open(tree.root);
  }

  private PublishedSuite load(String codename) {
    return PublishedSuite.load(open(), codename, new RecordingCommandRunner());
  }
}
