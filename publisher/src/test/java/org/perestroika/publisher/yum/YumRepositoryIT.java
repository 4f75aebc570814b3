package org.perestroika.publisher.yum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.model.Suite;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * Real rpmsign, createrepo_c and gpg build the repository; Debian's dnf, in an install root of its
 * own with only the published key, with gpgcheck=1 and repo_gpgcheck=1, is the client that proves
 * it: it installs the package, refuses a tampered repomd.xml and refuses an unsigned package.
 */
class YumRepositoryIT {
  private static final Release MOS = new Release("mos7.0");
  private static final PublishTarget PROPOSED = new PublishTarget(MOS, Suite.PROPOSED);
  private static final String SPEC =
      """
      Name: perestroika-tool
      Version: %{ver}
      Release: %{rel}
      Summary: a package for yum repository tests
      License: MIT
      BuildArch: noarch
      %description
      A package for yum repository tests: %{note}.
      %install
      mkdir -p %{buildroot}/usr/share/perestroika-tool
      echo '%{note}' > %{buildroot}/usr/share/perestroika-tool/note
      %files
      /usr/share/perestroika-tool/note
      """;

  private static final ProcessCommandRunner runner = new ProcessCommandRunner();
  private static ThrowawayGpgHome key;

  @TempDir Path work;
  private YumRepository repository;

  @BeforeAll
  static void tools() {
    Requirements.requirePrograms("rpmbuild", "rpmsign", "createrepo_c", "dnf", "gpg");
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @BeforeEach
  void open() {
    repository =
        new YumRepository(
            work.resolve("mirror/centos-7"),
            runner,
            GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint())),
            new YumPolicy(ReleaseProgression.natural(), Set.of()),
            3,
            Duration.ofMinutes(1));
  }

  @Test
  void thePublishedTreeHasTheSpecLayoutWithSignedPackagesAndMetadata() throws Exception {
    PublishResult result = repository.publish(build("1.0", "1.el7~mos1", "first"), PROPOSED);

    assertEquals(
        List.of("perestroika-tool 1.0-1.el7~mos1 noarch", "perestroika-tool 1.0-1.el7~mos1 src"),
        assertInstanceOf(PublishResult.Published.class, result).packages());
    Path release = work.resolve("mirror/centos-7/mos7.0");
    for (String suite : List.of("os", "updates", "security", "proposed", "holdback")) {
      for (String dir : List.of("x86_64", "Source")) {
        Path repodata = release.resolve(suite).resolve(dir).resolve("repodata");
        assertTrue(Files.isRegularFile(repodata.resolve("repomd.xml")), suite + "/" + dir);
        assertTrue(Files.isRegularFile(repodata.resolve("repomd.xml.asc")), suite + "/" + dir);
      }
    }
    assertTrue(Files.isRegularFile(release.resolve("os/x86_64/RPM-GPG-KEY-MOS7.0")));
    Path rpm =
        release.resolve("proposed/x86_64/Packages/perestroika-tool-1.0-1.el7~mos1.noarch.rpm");
    Path srpm =
        release.resolve("proposed/Source/SPackages/perestroika-tool-1.0-1.el7~mos1.src.rpm");
    // rpm itself checks both signatures against the published key alone.
    Path db = Files.createDirectories(work.resolve("rpmdb"));
    rpm(db, "--import", release.resolve("os/x86_64/RPM-GPG-KEY-MOS7.0").toString());
    for (Path file : List.of(rpm, srpm)) {
      String checked = rpm(db, "--checksig", "-v", file.toString()).stdout();
      String keyId = key.fingerprint().substring(32).toLowerCase(java.util.Locale.ROOT);
      assertTrue(checked.contains("/SHA256 Signature, key ID " + keyId + ": OK"), checked);
    }
    runner.check(
        Command.of(
            "gpgv",
            "--keyring",
            dearmoredKey(release).toString(),
            release.resolve("proposed/x86_64/repodata/repomd.xml.asc").toString(),
            release.resolve("proposed/x86_64/repodata/repomd.xml").toString()));
  }

  @Test
  void dnfWithOnlyThePublishedKeyInstallsThePackage() throws Exception {
    repository.publish(build("1.0", "1.el7~mos1", "first"), PROPOSED);
    Path mirror = work.resolve("mirror/centos-7").toRealPath();

    CommandResult install = dnf(mirror, "install-ok", "-y", "install", "perestroika-tool");

    assertEquals(0, install.exitCode(), install.stdout() + install.stderr());
    assertEquals(
        "first\n",
        Files.readString(work.resolve("root-install-ok/usr/share/perestroika-tool/note")));
  }

  @Test
  void dnfRefusesATamperedRepomd() throws Exception {
    repository.publish(build("1.0", "1.el7~mos1", "first"), PROPOSED);
    Path copy = copyOfMirror();
    Path repomd = copy.resolve("mos7.0/proposed/x86_64/repodata/repomd.xml");
    Files.writeString(repomd, Files.readString(repomd).replace("<revision>", "<revision>1"));

    CommandResult install = dnf(copy, "tampered", "-y", "install", "perestroika-tool");

    assertNotEquals(0, install.exitCode(), install.stdout() + install.stderr());
    assertTrue(
        (install.stdout() + install.stderr())
            .contains("repomd.xml GPG signature verification error"),
        install.stdout() + install.stderr());
    assertTrue(Files.notExists(work.resolve("root-tampered/usr/share/perestroika-tool/note")));
  }

  @Test
  void dnfRefusesAnUnsignedPackageInASignedIndex() throws Exception {
    repository.publish(build("1.0", "1.el7~mos1", "first"), PROPOSED);
    Path copy = copyOfMirror();
    Path repo = copy.resolve("mos7.0/proposed/x86_64");
    Path unsigned = build("1.0", "2.el7~mos1", "unsigned");
    try (var files = Files.list(unsigned)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".noarch.rpm")).toList()) {
        Files.copy(file, repo.resolve("Packages").resolve(file.getFileName()));
      }
    }
    // The index and its signature are good: only the package lacks a signature.
    runner.check(Command.of("createrepo_c", "--quiet", "--update", repo.toString()));
    runner.check(
        Command.of(
            "gpg",
            "--batch",
            "--yes",
            "--homedir",
            key.home().toString(),
            "--armor",
            "--local-user",
            key.fingerprint(),
            "--detach-sign",
            repo.resolve("repodata/repomd.xml").toString()));

    CommandResult install =
        dnf(copy, "unsigned", "-y", "install", "perestroika-tool-1.0-2.el7~mos1");

    assertNotEquals(0, install.exitCode(), install.stdout() + install.stderr());
    String said = install.stdout() + install.stderr();
    assertTrue(said.contains("is not signed"), said);
    assertTrue(Files.notExists(work.resolve("root-unsigned/usr/share/perestroika-tool/note")));
  }

  @Test
  void aLowerVersionIsRefusedByRpmOrderingAndTheTreeStaysAsItWas() throws Exception {
    repository.publish(build("1.0", "1.el7~mos2", "second"), PROPOSED);
    Path before = Files.readSymbolicLink(repository.root());

    // ~ sorts before the end: 1.el7~mos1 is lower than 1.el7~mos2.
    PublishResult result = repository.publish(build("1.0", "1.el7~mos1", "first"), PROPOSED);

    PublishResult.Rejected rejected = assertInstanceOf(PublishResult.Rejected.class, result);
    assertTrue(
        rejected
            .violations()
            .get(0)
            .message()
            .contains("is lower than 1.0-1.el7~mos2 in mos7.0-proposed"),
        rejected.violations().toString());
    assertEquals(before, Files.readSymbolicLink(repository.root()));
  }

  @Test
  void theSameVersionWithOtherContentIsRefusedAndTheSameUploadIsANoOp() throws Exception {
    Path upload = build("1.0", "1.el7~mos1", "first");
    repository.publish(upload, PROPOSED);
    Path before = Files.readSymbolicLink(repository.root());

    PublishResult again = repository.publish(upload, PROPOSED);
    PublishResult changed = repository.publish(build("1.0", "1.el7~mos1", "changed"), PROPOSED);

    assertInstanceOf(PublishResult.Published.class, again);
    PublishResult.Rejected rejected = assertInstanceOf(PublishResult.Rejected.class, changed);
    assertTrue(
        rejected.violations().get(0).message().contains("already published with different content"),
        rejected.violations().toString());
    assertEquals(before, Files.readSymbolicLink(repository.root()));
  }

  @Test
  void aReleaseWithoutMosIsRefusedOutsideHoldback() throws Exception {
    Path upload = build("1.0", "1.el7", "upstream");

    PublishResult proposed = repository.publish(upload, PROPOSED);
    PublishResult holdback = repository.publish(upload, new PublishTarget(MOS, Suite.HOLDBACK));

    assertInstanceOf(PublishResult.Rejected.class, proposed);
    assertInstanceOf(PublishResult.Published.class, holdback);
  }

  /** An SRPM and its noarch binary in a directory of their own, as a build leaves them. */
  private Path build(String version, String release, String note) throws IOException {
    Path spec = work.resolve("perestroika-tool.spec");
    Files.writeString(spec, SPEC);
    Path top = work.resolve("rpmbuild-" + note + "-" + release);
    runner.check(
        Command.of(
            "rpmbuild",
            "-ba",
            "--define",
            "_topdir " + top,
            "--define",
            "ver " + version,
            "--define",
            "rel " + release,
            "--define",
            "note " + note,
            spec.toString()));
    Path out = Files.createDirectories(work.resolve("out-" + note + "-" + release));
    try (var files = Files.walk(top)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".rpm")).toList()) {
        Files.move(file, out.resolve(file.getFileName()));
      }
    }
    return out;
  }

  private Path copyOfMirror() throws IOException {
    Path copy = work.resolve("copy");
    runner.check(
        Command.of(
            "cp", "-a", work.resolve("mirror/centos-7").toRealPath() + "/.", copy.toString()));
    return copy;
  }

  /**
   * dnf with only the proposed repository, checked as clients check it, installing into a root of
   * its own: the key it trusts is the one published beside the packages, imported on first use.
   */
  private CommandResult dnf(Path mirror, String name, String... args) throws IOException {
    Path repos = Files.createDirectories(work.resolve("repos-" + name));
    Files.writeString(
        repos.resolve("mos.repo"),
        repository.repoSection(
            YumRepository.sectionId(PROPOSED.suite()), PROPOSED, "file://" + mirror));
    Path conf = Files.writeString(work.resolve("dnf-" + name + ".conf"), "[main]\n");
    List<String> argv =
        new ArrayList<>(
            List.of(
                "dnf",
                "--config",
                conf.toString(),
                "--setopt=reposdir=" + repos,
                "--setopt=cachedir=" + work.resolve("cache-" + name),
                "--installroot=" + work.resolve("root-" + name),
                "--releasever=7",
                "--forcearch=x86_64"));
    argv.addAll(List.of(args));
    return runner.run(Command.of(argv));
  }

  private CommandResult rpm(Path db, String... args) {
    List<String> argv = new ArrayList<>(List.of("rpm", "--dbpath", db.toString()));
    argv.addAll(List.of(args));
    return runner.check(Command.of(argv));
  }

  private Path dearmoredKey(Path release) {
    Path keyring = work.resolve("key.gpg");
    runner.check(
        Command.of(
            "gpg",
            "--batch",
            "--yes",
            "--output",
            keyring.toString(),
            "--dearmor",
            release.resolve("os/x86_64/RPM-GPG-KEY-MOS7.0").toString()));
    return keyring;
  }
}
