package org.perestroika.publisher.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * Reads signed, xz-compressed indices with the real gpgv and xz: a fixture mirror, then Debian's.
 */
class BaseDistroIndexIT {
  private static final String PACKAGES =
      "Package: hello\nVersion: 2.10-3\nArchitecture: amd64\n\n"
          + "Package: libfoo1\nSource: foo (1.2-1)\nVersion: 1.2-1+b1\n";
  private static final URI DEBIAN = URI.create("http://deb.debian.org/debian");

  private static ThrowawayGpgHome key;
  private static ThrowawayGpgHome stranger;
  @TempDir Path dir;

  @BeforeAll
  static void createKeys() {
    Requirements.requirePrograms("gpg", "gpgv", "xz");
    key = ThrowawayGpgHome.create();
    stranger = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKeys() {
    for (ThrowawayGpgHome home : new ThrowawayGpgHome[] {key, stranger}) {
      if (home != null) {
        home.close();
      }
    }
  }

  private BaseDistroIndex index(URI mirror, Path keyring, List<String> suites, String family) {
    BaseDistroIndex.Archive archive =
        new BaseDistroIndex.Archive(keyring, family + "-archive-keyring", suites, List.of("main"));
    return new BaseDistroIndex(
        "bookworm",
        mirror,
        archive,
        List.of("amd64"),
        dir.resolve("cache"),
        HttpClient.newHttpClient(),
        new ProcessCommandRunner());
  }

  @Test
  void readsAFixtureMirrorSignedByTheArchiveKey() throws IOException {
    try (FixtureArchive archive = FixtureArchive.signedBy(dir.resolve("mirror"), key)) {
      archive.suite("bookworm", PACKAGES, "Acquire-By-Hash: yes\n");
      Path keyring = FixtureArchive.keyring(key, dir.resolve("keyring.gpg"));
      BaseDistroIndex index = index(archive.uri(), keyring, List.of(""), "fixture");

      assertEquals(Optional.of(DebianVersion.parse("1.2-1")), index.highestSourceVersion("foo"));
      assertEquals(Optional.of(DebianVersion.parse("2.10-3")), index.highestSourceVersion("hello"));
      assertEquals(PACKAGES, Files.readString(index.packagesFiles().get(0)));
    }
  }

  @Test
  void refusesAMirrorSignedByAnotherKey() {
    try (FixtureArchive archive = FixtureArchive.signedBy(dir.resolve("mirror"), stranger)) {
      archive.suite("bookworm", PACKAGES, "");
      Path keyring = FixtureArchive.keyring(key, dir.resolve("keyring.gpg"));
      BaseDistroIndex index = index(archive.uri(), keyring, List.of(""), "fixture");

      EnvironmentException e =
          assertThrows(EnvironmentException.class, () -> index.highestSourceVersion("hello"));

      assertTrue(
          e.getMessage().contains("/dists/bookworm/InRelease is not signed by a key of " + keyring),
          e.getMessage());
      assertFalse(Files.exists(dir.resolve("cache/bookworm")));
    }
  }

  @Test
  void readsDebiansOwnMirrorWithDebiansKeyring() throws Exception {
    Requirements.require(reachable(DEBIAN), "the Debian mirror " + DEBIAN);
    Dist bookworm = new Dist("bookworm", "debian", PackageFormat.DEB, DEBIAN);
    Requirements.require(
        Files.isRegularFile(BaseDistroIndex.ARCHIVES.get("debian").keyring()),
        "Debian's archive keyring (package debian-archive-keyring)");
    BaseDistroIndex index =
        BaseDistroIndex.of(
            bookworm, List.of("amd64"), dir.resolve("upstream"), new ProcessCommandRunner());

    assertEquals(
        List.of(
            dir.resolve("upstream/bookworm/bookworm/main/binary-amd64/Packages"),
            dir.resolve("upstream/bookworm/bookworm-updates/main/binary-amd64/Packages")),
        index.packagesFiles());
    DebianVersion hello = index.highestSourceVersion("hello").orElseThrow();
    assertEquals("2.10", hello.upstream());
    assertTrue(index.highestSourceVersion("base-files").isPresent());
    assertEquals(Optional.empty(), index.highestSourceVersion("perestroika-hello"));
  }

  private static boolean reachable(URI mirror) {
    try {
      HttpResponse<Void> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(20))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(mirror + "/dists/bookworm/InRelease"))
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
