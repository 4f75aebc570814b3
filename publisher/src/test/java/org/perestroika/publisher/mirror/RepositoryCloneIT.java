package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.apt.HostApt;
import org.perestroika.publisher.apt.RealUploads;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/** Clones a repository the real publisher made, served over HTTP, and installs from the clone. */
class RepositoryCloneIT {
  private static final PublishTarget PROPOSED = PublishTarget.parse("mos10.0-proposed");
  private static final String POOL = "pool/main/p/perestroika-hello/";
  private static ThrowawayGpgHome key;

  private final CommandRunner runner = new ProcessCommandRunner();
  @TempDir Path dir;
  private AptRepository repository;
  private RealUploads uploads;
  private StaticHttpServer http;
  private Path clone;
  private final List<String> said = new ArrayList<>();

  @BeforeAll
  static void createKey() {
    Requirements.requirePrograms("reprepro", "gpg", "gpgv", "gpgconf");
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @BeforeEach
  void publish() throws IOException {
    Path root = dir.resolve("repos");
    repository =
        new AptRepository(
            AptRepositoryConfig.defaults(root.resolve("debian")),
            runner,
            GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint())),
            FixedBaseDistro.emptyBasePolicy());
    uploads = new RealUploads(dir.resolve("uploads"));
    repository.publish(uploads.build("1.0-1~deb12+mos1", "first"), PROPOSED);
    http = new StaticHttpServer(root);
    clone = dir.resolve("offline/mos");
  }

  @AfterEach
  void stop() {
    http.close();
  }

  private RepositoryClone.Request request(URI source, Path keyring, String component) {
    return new RepositoryClone.Request(
        source, clone, keyring, List.of(PROPOSED.codename()), List.of(component), List.of("amd64"));
  }

  private RepositoryClone.Result cloneIt() {
    return cloneFrom(http.uri().resolve("debian"));
  }

  private RepositoryClone.Result cloneFrom(URI source) {
    return new RepositoryClone(RepositoryClone.httpClient(), runner, said::add)
        .clone(request(source, repository.publicKey(), "main"));
  }

  private static String deb(String version) {
    return POOL + "perestroika-hello_" + version + "_amd64.deb";
  }

  @Test
  void clonesTheSignedSuiteAndAptInstallsFromTheClone() throws IOException {
    RepositoryClone.Result result = cloneIt();

    assertTrue(result.changed());
    assertTrue(Files.isSymbolicLink(clone));
    Path source = dir.resolve("repos/debian");
    for (String file :
        List.of(
            "dists/mos10.0-proposed/InRelease",
            "dists/mos10.0-proposed/main/binary-amd64/Packages",
            "dists/mos10.0-proposed/main/binary-amd64/Packages.gz",
            deb("1.0-1~deb12+mos1"))) {
      assertEquals(-1, Files.mismatch(source.resolve(file), clone.resolve(file)), file);
    }
    // Only what a binary install needs: no sources, no other suites, no other architectures.
    assertFalse(Files.exists(clone.resolve(POOL + "perestroika-hello_1.0-1.dsc")));
    assertFalse(Files.exists(clone.resolve("dists/mos10.0-updates")));
    assertTrue(
        Files.isDirectory(
            clone.resolve("dists/mos10.0-proposed/main/binary-amd64/by-hash/SHA256")));
    assertEquals(Optional.of("1.0-1~deb12+mos1"), aptCandidate());
  }

  @Test
  void aFileUrlWorksToo() throws IOException {
    RepositoryClone.Result result = cloneFrom(dir.resolve("repos/debian").toUri());

    assertTrue(result.changed());
    assertTrue(Files.isRegularFile(clone.resolve(deb("1.0-1~deb12+mos1"))));
  }

  @Test
  void aSecondRunFetchesOnlyWhatChanged() throws IOException {
    cloneIt();
    Path first = clone.toRealPath().getParent();
    http.clearRequests();

    RepositoryClone.Result unchanged = cloneIt();

    assertFalse(unchanged.changed());
    assertEquals(List.of("/debian/dists/mos10.0-proposed/InRelease"), http.requests());
    assertEquals(first, clone.toRealPath().getParent());

    repository.publish(uploads.build("1.0-2~deb12+mos1", "second"), PROPOSED);
    http.clearRequests();

    RepositoryClone.Result updated = cloneIt();

    assertTrue(updated.changed());
    List<String> requests = http.requests();
    assertTrue(requests.contains("/debian/" + deb("1.0-2~deb12+mos1")), requests.toString());
    assertFalse(requests.contains("/debian/" + deb("1.0-1~deb12+mos1")), requests.toString());
    assertTrue(Files.isRegularFile(clone.resolve(deb("1.0-2~deb12+mos1"))));
    assertFalse(
        Files.exists(clone.resolve(deb("1.0-1~deb12+mos1"))), "no longer listed, so not kept");
    assertTrue(Files.isRegularFile(first.resolve("public").resolve(deb("1.0-1~deb12+mos1"))));
    assertEquals(Optional.of("1.0-2~deb12+mos1"), aptCandidate());
  }

  @Test
  void aTamperedPackageIsRefusedAndTheCloneIsLeftAsItWas() throws IOException {
    cloneIt();
    Path before = clone.toRealPath();
    repository.publish(uploads.build("1.0-2~deb12+mos1", "second"), PROPOSED);
    http.corrupt("debian/" + deb("1.0-2~deb12+mos1"));

    MirrorException e = assertThrows(MirrorException.class, this::cloneIt);

    assertTrue(
        e.getMessage()
            .contains(deb("1.0-2~deb12+mos1") + " from " + http.uri() + "debian/ does not match"),
        e.getMessage());
    assertTrue(e.getMessage().contains("which is left as it was"), e.getMessage());
    assertEquals(before, clone.toRealPath());
    assertEquals(Optional.of("1.0-1~deb12+mos1"), aptCandidate());
  }

  @Test
  void aTamperedIndexIsRefused() {
    http.corrupt("debian/dists/mos10.0-proposed/main/binary-amd64/Packages.gz");

    MirrorException e = assertThrows(MirrorException.class, this::cloneIt);

    assertTrue(e.getMessage().contains("Packages.gz from"), e.getMessage());
    assertTrue(e.getMessage().contains("does not match its listed checksum"), e.getMessage());
    assertFalse(Files.exists(clone, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aRepositorySignedByAnotherKeyIsRefused() throws IOException {
    Path otherKeyring = dir.resolve("other.gpg");
    try (ThrowawayGpgHome other = ThrowawayGpgHome.create()) {
      runner.check(
          Command.of(
              "gpg",
              "--batch",
              "--homedir",
              other.home().toString(),
              "--output",
              otherKeyring.toString(),
              "--export",
              other.fingerprint()));
    }

    MirrorException e =
        assertThrows(
            MirrorException.class,
            () ->
                new RepositoryClone(RepositoryClone.httpClient(), runner, said::add)
                    .clone(request(http.uri().resolve("debian"), otherKeyring, "main")));

    assertTrue(
        e.getMessage().contains("is not signed by a key in " + otherKeyring + "; refusing it"),
        e.getMessage());
    assertFalse(Files.exists(clone, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void anUnsignedSuiteIsRefused() {
    http.hide("debian/dists/mos10.0-proposed/InRelease");

    MirrorException e = assertThrows(MirrorException.class, this::cloneIt);

    assertTrue(
        e.getMessage().contains("only suites with a signed InRelease can be cloned"),
        e.getMessage());
  }

  @Test
  void aComponentTheSourceLacksIsNamed() {
    MirrorException e =
        assertThrows(
            MirrorException.class,
            () ->
                new RepositoryClone(RepositoryClone.httpClient(), runner, said::add)
                    .clone(
                        request(http.uri().resolve("debian"), repository.publicKey(), "contrib")));

    assertTrue(
        e.getMessage().contains("mos10.0-proposed has no component 'contrib' (it has [main"),
        e.getMessage());
  }

  /** What apt on this host, trusting only the clone's keyring, would install from the clone. */
  private Optional<String> aptCandidate() throws IOException {
    String line =
        "deb [signed-by=" + repository.publicKey() + "] file:" + clone + " mos10.0-proposed main";
    return HostApt.candidate(runner, dir.resolve("apt"), line, "perestroika-hello");
  }
}
