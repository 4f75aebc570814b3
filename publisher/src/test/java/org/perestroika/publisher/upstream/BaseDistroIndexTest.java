package org.perestroika.publisher.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.file.Sha256;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.testing.RecordingCommandRunner;

/**
 * Reads a fixture mirror over real HTTP, with fakes of gpgv (which passes the Release through) and
 * xz (which strips a marker), and checks the exact command lines and what is cached.
 */
class BaseDistroIndexTest {
  private static final byte[] XZ = "xz:".getBytes(StandardCharsets.UTF_8);
  private static final String BOOKWORM =
      "Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nDescription: greets\n continued\n\n"
          + "Package: libfoo1\nSource: foo (1.2-1)\nVersion: 1.2-1+b1\n\n"
          + "Package: foo-data\nSource: foo\nVersion: 1.2-1\n\n"
          + "Package: qemu-system\nSource: qemu\nVersion: 1:7.2+dfsg-7\n";
  private static final String UPDATES = "Package: foo-data\nSource: foo\nVersion: 1.2-1+deb12u1\n";

  @TempDir Path dir;
  private FixtureArchive archive;
  private RecordingCommandRunner tools;
  private boolean badSignature;
  private Path keyring;

  @BeforeEach
  void setUp() throws IOException {
    archive = new FixtureArchive(dir.resolve("mirror"), BaseDistroIndexTest::pack, this::copy);
    archive.suite("bookworm", BOOKWORM, "");
    archive.suite("bookworm-updates", UPDATES, "");
    tools = new RecordingCommandRunner(this::fakeTool);
    keyring = Files.writeString(dir.resolve("archive-keyring.gpg"), "keys");
  }

  @AfterEach
  void tearDown() {
    archive.close();
  }

  private static byte[] pack(byte[] plain) {
    byte[] packed = Arrays.copyOf(XZ, XZ.length + plain.length);
    System.arraycopy(plain, 0, packed, XZ.length, plain.length);
    return packed;
  }

  private void copy(Path release, Path inRelease) {
    try {
      Files.copy(release, inRelease);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private CommandResult fakeTool(Command command) {
    List<String> argv = command.argv();
    try {
      if (argv.get(0).equals("gpgv")) {
        if (badSignature) {
          return new CommandResult(1, "", "gpgv: BAD signature");
        }
        return new CommandResult(0, Files.readString(Path.of(argv.get(5))), "");
      } else if (argv.get(0).equals("xz")) {
        Path packed = Path.of(argv.get(3));
        byte[] bytes = Files.readAllBytes(packed);
        String name = packed.getFileName().toString();
        Files.write(
            packed.resolveSibling(name.substring(0, name.length() - 3)),
            Arrays.copyOfRange(bytes, XZ.length, bytes.length));
        Files.delete(packed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CommandResult(0, "", "");
  }

  private BaseDistroIndex index() {
    return index(archive.uri());
  }

  private BaseDistroIndex index(URI mirror) {
    return index(mirror, new ParsedIndexCache());
  }

  private BaseDistroIndex index(URI mirror, ParsedIndexCache parsed) {
    return new BaseDistroIndex(
        "bookworm",
        mirror,
        new BaseDistroIndex.Archive(
            keyring, "debian-archive-keyring", List.of("", "-updates"), List.of("main")),
        List.of("amd64"),
        dir.resolve("cache/bookworm"),
        HttpClient.newHttpClient(),
        tools,
        parsed);
  }

  @Test
  void readsTheHighestSourceVersionOfEachSourceAcrossSuites() {
    BaseDistroIndex index = index();

    assertEquals("bookworm", index.name());
    assertEquals(Optional.of(DebianVersion.parse("2.10-3")), index.highestSourceVersion("hello"));
    assertEquals(
        Optional.of(DebianVersion.parse("1.2-1+deb12u1")), index.highestSourceVersion("foo"));
    assertEquals(
        Optional.of(DebianVersion.parse("1:7.2+dfsg-7")), index.highestSourceVersion("qemu"));
    assertEquals(Optional.empty(), index.highestSourceVersion("libfoo1"));
    assertEquals(Optional.empty(), index.highestSourceVersion("perestroika-hello"));
  }

  @Test
  void verifiesTheSignatureAndUnpacksWithTheToolsThenCachesEachSuite() throws IOException {
    List<Path> files = index().packagesFiles();

    Path cache = dir.resolve("cache/bookworm");
    assertEquals(
        List.of(
            cache.resolve("bookworm/main/binary-amd64/Packages"),
            cache.resolve("bookworm-updates/main/binary-amd64/Packages")),
        files);
    assertEquals(BOOKWORM, Files.readString(files.get(0)));
    assertEquals(UPDATES, Files.readString(files.get(1)));
    List<String> expected =
        List.of("bookworm", "bookworm-updates").stream()
            .flatMap(
                suite -> {
                  Path fresh = cache.resolve("." + suite + ".new");
                  return List.of(
                      "gpgv --keyring " + keyring + " --output - " + fresh.resolve("InRelease"),
                      "xz --decompress --force " + fresh.resolve("main/binary-amd64/Packages.xz"))
                      .stream();
                })
            .toList();
    assertEquals(expected, tools.commandLines());
    try (var entries = Files.list(cache)) {
      assertEquals(
          List.of("bookworm", "bookworm-updates", "lock"),
          entries.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertFalse(Files.exists(cache.resolve("bookworm/Release")));
    assertTrue(Files.isRegularFile(cache.resolve("bookworm/InRelease")));
  }

  @Test
  void anUnchangedInReleaseReusesTheCacheAndAChangedOneRefetchesOnlyItsSuite() {
    index().packagesFiles();
    int commands = tools.commandLines().size();
    int requests = archive.requests().size();

    assertEquals(Optional.of(DebianVersion.parse("2.10-3")), index().highestSourceVersion("hello"));
    assertEquals(commands, tools.commandLines().size());
    assertEquals(
        List.of("/debian/dists/bookworm/InRelease", "/debian/dists/bookworm-updates/InRelease"),
        archive.requests().subList(requests, archive.requests().size()));

    archive.suite("bookworm-updates", UPDATES + "\nPackage: hello\nVersion: 2.10-3+deb12u1\n", "");
    BaseDistroIndex changed = index();
    assertEquals(
        Optional.of(DebianVersion.parse("2.10-3+deb12u1")), changed.highestSourceVersion("hello"));
    assertEquals(commands + 2, tools.commandLines().size());
    assertTrue(tools.commandLines().get(commands).contains(".bookworm-updates.new"));
  }

  @Test
  void indicesSharingAParsedCacheReadUnchangedFilesOnceAndChangedOnesAgain() throws IOException {
    ParsedIndexCache parsed = new ParsedIndexCache();
    assertEquals(
        Optional.of(DebianVersion.parse("2.10-3")),
        index(archive.uri(), parsed).highestSourceVersion("hello"));
    // The same file, as a refresh would leave it: the next index takes what was read before.
    Path packages = dir.resolve("cache/bookworm/bookworm/main/binary-amd64/Packages");
    FileTime stamp = Files.getLastModifiedTime(packages);
    String text = Files.readString(packages);
    Files.writeString(packages, text.replace("2.10-3", "2.10-4"));
    Files.setLastModifiedTime(packages, stamp);
    assertEquals(
        Optional.of(DebianVersion.parse("2.10-3")),
        index(archive.uri(), parsed).highestSourceVersion("hello"));

    archive.suite("bookworm-updates", UPDATES + "\nPackage: hello\nVersion: 2.10-3+deb12u1\n", "");
    assertEquals(
        Optional.of(DebianVersion.parse("2.10-4")),
        index(archive.uri(), parsed).highestSourceVersion("hello"),
        "a suite changed on the mirror: every file is read again");
  }

  @Test
  void anIndexReadsOnceAndThenStaysAsItWas() {
    BaseDistroIndex index = index();
    index.highestSourceVersion("hello");
    int requests = archive.requests().size();

    index.packagesFiles();
    index.highestSourceVersion("foo");

    assertEquals(requests, archive.requests().size());
  }

  @Test
  void aReleaseWithAcquireByHashIsReadByHash() throws IOException {
    archive.suite("bookworm", BOOKWORM, "Acquire-By-Hash: yes\n");

    index().packagesFiles();

    String hash =
        Sha256.of(dir.resolve("mirror/debian/dists/bookworm/main/binary-amd64/Packages.xz"));
    assertTrue(
        archive
            .requests()
            .contains("/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/" + hash),
        archive.requests().toString());
    assertFalse(
        archive.requests().contains("/debian/dists/bookworm/main/binary-amd64/Packages.xz"));
  }

  @Test
  void anIndexThatDoesNotMatchTheSignedChecksumIsRefusedAndTheCacheKept() throws IOException {
    index().packagesFiles();
    Path cached = dir.resolve("cache/bookworm/bookworm-updates/main/binary-amd64/Packages");
    archive.suite("bookworm-updates", UPDATES + "\nPackage: new\nVersion: 1\n", "");
    archive.overwrite("dists/bookworm-updates/main/binary-amd64/Packages.xz", pack(new byte[3]));

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> index().highestSourceVersion("hello"));

    assertTrue(
        e.getMessage()
            .startsWith(
                archive.uri()
                    + "/dists/bookworm-updates/main/binary-amd64/Packages.xz does not match"
                    + " bookworm-updates's signed InRelease (size 6, sha256 "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("): the mirror may be updating"), e.getMessage());
    assertTrue(e.retryable());
    assertEquals(UPDATES, Files.readString(cached));
  }

  @Test
  void aBadSignatureIsRefused() {
    badSignature = true;

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> index().packagesFiles());

    assertTrue(
        e.getMessage()
            .startsWith(
                archive.uri() + "/dists/bookworm/InRelease is not signed by a key of " + keyring),
        e.getMessage());
    assertTrue(e.getMessage().contains("gpgv: BAD signature"), e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void aMissingKeyringNamesThePackageThatInstallsIt() throws IOException {
    Files.delete(keyring);

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> index().packagesFiles());

    assertEquals(
        "the keyring "
            + keyring
            + " that bookworm's signature is checked with is missing: install"
            + " debian-archive-keyring (`bin/perestroika setup` does)",
        e.getMessage());
  }

  @Test
  void anUnreachableMirrorIsAnErrorThatSaysWhatNeedsIt() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + port + "/debian");

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> index(closed).highestSourceVersion("x"));

    assertTrue(
        e.getMessage().startsWith("cannot download " + closed + "/dists/bookworm/InRelease ("),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "): the version policy needs bookworm's package index; check the network or the"
                    + " dist's mirror in the configuration"),
        e.getMessage());
    assertTrue(e.retryable());
    assertTrue(tools.commandLines().isEmpty());
  }

  @Test
  void aSuiteTheMirrorLacksIsAnError() {
    URI elsewhere = URI.create(archive.uri() + "/nothing-here");

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> index(elsewhere).packagesFiles());

    assertEquals(
        "cannot download "
            + elsewhere
            + "/dists/bookworm/InRelease: the mirror answered HTTP 404; the version policy needs"
            + " bookworm's package index; check the dist's mirror in the configuration",
        e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void onlyKnownFamiliesHaveAnArchive() {
    Dist jammy = new Dist("jammy", "ubuntu", PackageFormat.DEB, URI.create("http://x/ubuntu"));
    assertEquals("jammy", BaseDistroIndex.of(jammy, List.of("amd64"), dir, tools).name());
    Dist other = new Dist("tiger", "tigeros", PackageFormat.DEB, URI.create("http://x/tiger"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BaseDistroIndex.of(other, List.of("amd64"), dir, tools));

    assertEquals(
        "dist tiger: no base distro archive is known for family 'tigeros' (known: debian,"
            + " ubuntu), so the version policy cannot read its packages",
        e.getMessage());
  }
}
