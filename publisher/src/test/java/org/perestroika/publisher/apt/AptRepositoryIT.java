package org.perestroika.publisher.apt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.InvalidUploadException;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.mirror.SnapshotException;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.policy.PolicyViolation;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.upstream.BaseDistroIndex;
import org.perestroika.publisher.upstream.FixtureArchive;
import org.perestroika.testing.FakeUploads;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/** Publishes real packages with the real reprepro, gpg and gpgv, and reads them back with apt. */
class AptRepositoryIT {
  private static final PublishTarget PROPOSED = PublishTarget.parse("mos10.0-proposed");
  private static final PublishTarget UPDATES = PublishTarget.parse("mos10.0-updates");
  private static final PublishTarget MOS9_UPDATES = PublishTarget.parse("mos9.0-updates");
  private static final String V1 = "1.0-1~deb12+mos1";
  private static final String V2 = "1.0-2~deb12+mos1";
  private static final String V3 = "1.0-3~deb12+mos1";
  private static final VersionPolicy POLICY =
      new VersionPolicy(ReleaseProgression.natural(), Set.of(), FixedBaseDistro.empty());
  private static ThrowawayGpgHome key;

  private final CommandRunner runner = new ProcessCommandRunner();
  @TempDir Path dir;
  private Path root;
  private RealUploads uploads;
  private AptRepository repository;

  @BeforeAll
  static void createKey() {
    Requirements.requirePrograms("reprepro", "gpg", "gpgv", "gpgconf", "xz");
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @BeforeEach
  void setUp() {
    root = dir.resolve("repos/debian");
    uploads = new RealUploads(dir.resolve("uploads"));
    repository = repository(AptRepositoryConfig.defaults(root), runner);
  }

  private AptRepository repository(AptRepositoryConfig config, CommandRunner tools) {
    return repository(config, tools, POLICY);
  }

  private AptRepository repository(
      AptRepositoryConfig config, CommandRunner tools, VersionPolicy policy) {
    return new AptRepository(
        config, tools, GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint())), policy);
  }

  @Test
  void publishesSignedSuitesThatAptAccepts() throws IOException {
    Path changes = uploads.build(V1, "first");

    PublishResult result = repository.publish(changes, PROPOSED);

    assertEquals(
        new PublishResult.Published(
            PROPOSED,
            List.of("perestroika-hello " + V1 + " amd64", "perestroika-hello " + V1 + " source")),
        result);
    Path keyring = root.resolve("project/mos-archive-keyring.gpg");
    assertEquals(keyring, repository.publicKey());
    for (String suite :
        List.of(
            "mos10.0",
            "mos10.0-proposed",
            "mos10.0-updates",
            "mos10.0-security",
            "mos10.0-holdback",
            "mos10.0-hotfix")) {
      Path dists = root.resolve("dists").resolve(suite);
      runner.check(
          Command.of(
              "gpgv", "--keyring", keyring.toString(), dists.resolve("InRelease").toString()));
      runner.check(
          Command.of(
              "gpgv",
              "--keyring",
              keyring.toString(),
              dists.resolve("Release.gpg").toString(),
              dists.resolve("Release").toString()));
      String release = Files.readString(dists.resolve("Release"));
      assertTrue(release.contains("Origin: Perestroika\n"), release);
      assertTrue(release.contains("Codename: " + suite + "\n"), release);
    }
    runner.check(
        Command.of(
            "gpgv",
            "--keyring",
            keyring.toString(),
            GpgKeyring.signatureOf(keyring).toString(),
            keyring.toString()));
    assertEquals(10, digestAlgorithm(root.resolve("dists/mos10.0-proposed/InRelease")));

    Path pool = root.resolve("pool/main/p/perestroika-hello");
    try (Stream<Path> files = Files.list(pool)) {
      assertEquals(
          List.of(
              "perestroika-hello_" + V1 + ".debian.tar.xz",
              "perestroika-hello_" + V1 + ".dsc",
              "perestroika-hello_" + V1 + "_amd64.deb",
              "perestroika-hello_1.0.orig.tar.gz"),
          files.map(file -> file.getFileName().toString()).sorted().toList());
    }
    assertEquals(Optional.of(V1), aptCandidate(PROPOSED));
  }

  @Test
  void aDowngradeIsRejectedWithBothVersionsAndChangesNothing() throws IOException {
    repository.publish(uploads.build(V2, "second"), PROPOSED);
    Path older = uploads.build(V1, "first");
    String before = fingerprint();

    PublishResult result = repository.publish(older, PROPOSED);

    assertEquals(
        new PublishResult.Rejected(
            List.of(
                new PolicyViolation(
                    "perestroika-hello "
                        + V1
                        + " is lower than "
                        + V2
                        + " in mos10.0-proposed: versions never go down within mos10.0;"
                        + " publish "
                        + V2
                        + " or a higher version"))),
        result);
    assertEquals(before, fingerprint());
  }

  @Test
  void theSameVersionWithOtherContentIsRejected() throws IOException {
    repository.publish(uploads.build(V1, "first"), PROPOSED);
    Path rebuilt = uploads.build(V1, "different");
    String before = fingerprint();

    PublishResult result = repository.publish(rebuilt, PROPOSED);

    PublishResult.Rejected rejected = assertInstanceOf(PublishResult.Rejected.class, result);
    String messages =
        rejected.violations().stream()
            .map(PolicyViolation::message)
            .collect(Collectors.joining("\n"));
    assertTrue(
        messages.contains(
            "perestroika-hello "
                + V1
                + " is already published with different content: perestroika-hello_"
                + V1
                + "_amd64.deb has sha256"),
        messages);
    // The orig tarball is byte-identical and so is not a violation.
    assertFalse(messages.contains(".orig.tar.gz"), messages);
    assertEquals(before, fingerprint());
  }

  @Test
  void publishingTheSameUploadAgainChangesNothing() throws IOException {
    Path changes = uploads.build(V1, "first");
    PublishResult first = repository.publish(changes, PROPOSED);
    String before = fingerprint();

    assertEquals(first, repository.publish(changes, PROPOSED));

    assertEquals(before, fingerprint());
    assertEquals(List.of("000001"), snapshots());
  }

  @Test
  void aNewRevisionReplacesTheOldOneWhileOlderSnapshotsKeepTheirFiles() throws IOException {
    AptRepository keepTwo =
        repository(AptRepositoryConfig.defaults(root).withKeepSnapshots(2), runner);
    Path first = uploads.build(V1, "first");
    keepTwo.publish(first, PROPOSED);
    String oldDeb = "pool/main/p/perestroika-hello/perestroika-hello_" + V1 + "_amd64.deb";
    String secondDeb = "pool/main/p/perestroika-hello/perestroika-hello_" + V2 + "_amd64.deb";

    assertInstanceOf(
        PublishResult.Published.class, keepTwo.publish(uploads.build(V2, "second"), PROPOSED));

    String packages =
        Files.readString(root.resolve("dists/mos10.0-proposed/main/binary-amd64/Packages"));
    assertTrue(packages.contains("Version: " + V2 + "\n"), packages);
    assertFalse(packages.contains("Version: " + V1 + "\n"), packages);
    assertEquals(Optional.of(V2), aptCandidate(PROPOSED));
    // Snapshot 1 is kept and names the old revision: the shared pool keeps its exact bytes.
    assertEquals(
        DebUpload.sha256(first.resolveSibling("perestroika-hello_" + V1 + "_amd64.deb")),
        DebUpload.sha256(root.resolve(oldDeb)));
    assertEveryKeptSnapshotFindsItsFiles();

    keepTwo.publish(uploads.build(V3, "third"), PROPOSED);
    assertEquals(List.of("000002", "000003"), snapshots());
    assertEveryKeptSnapshotFindsItsFiles();
    keepTwo.publish(uploads.build(V3, "third"), UPDATES);

    // No kept snapshot names the first revision any more: it is gone; the second is not yet.
    assertEquals(List.of("000003", "000004"), snapshots());
    assertFalse(Files.exists(root.resolve(oldDeb)));
    assertTrue(Files.exists(root.resolve(secondDeb)));
    assertEveryKeptSnapshotFindsItsFiles();
  }

  /** Every pool file that any kept snapshot's indices name is there, with the size they say. */
  private void assertEveryKeptSnapshotFindsItsFiles() throws IOException {
    for (String snapshot : snapshots()) {
      Path dists = dir.resolve("repos/.debian.snapshots/" + snapshot + "/public/dists");
      try (Stream<Path> indices = Files.walk(dists)) {
        for (Path index : indices.filter(path -> path.endsWith("Packages")).toList()) {
          for (String stanza : Files.readString(index).split("\n\n")) {
            String filename = field(stanza, "Filename");
            if (filename != null) {
              Path file = dists.resolveSibling(filename);
              assertTrue(Files.isRegularFile(file), snapshot + " names " + filename);
              assertEquals(Long.parseLong(field(stanza, "Size")), Files.size(file), filename);
            }
          }
        }
      }
    }
  }

  @Test
  void anUploadCanBePromotedToAnotherSuite() throws IOException {
    Path changes = uploads.build(V1, "first");
    repository.publish(changes, PROPOSED);

    PublishResult result = repository.publish(changes, UPDATES);

    assertEquals(
        new PublishResult.Published(
            UPDATES,
            List.of("perestroika-hello " + V1 + " amd64", "perestroika-hello " + V1 + " source")),
        result);
    assertTrue(
        Files.readString(root.resolve("dists/mos10.0-updates/main/binary-amd64/Packages"))
            .contains("Version: " + V1 + "\n"));
  }

  @Test
  void versionsNeverGoDownWithinAReleaseNorAlongTheProgression() throws IOException {
    Path second = uploads.build(V2, "second");
    assertInstanceOf(PublishResult.Published.class, repository.publish(second, MOS9_UPDATES));
    Path first = uploads.build(V1, "first");

    assertEquals(
        List.of(
            "perestroika-hello "
                + V1
                + " is lower than "
                + V2
                + " in mos9.0-updates: versions never go down along the release progression, and"
                + " mos9.0 comes before mos10.0; publish "
                + V2
                + " or a higher version"),
        messages(repository.publish(first, PROPOSED)));
    assertEquals(
        List.of(
            "perestroika-hello "
                + V1
                + " is lower than "
                + V2
                + " in mos9.0-updates: versions never go down within mos9.0; publish "
                + V2
                + " or a higher version"),
        messages(repository.publish(first, PublishTarget.parse("mos9.0-proposed"))));

    // The same version, unchanged, may be ported to the next release.
    assertInstanceOf(PublishResult.Published.class, repository.publish(second, PROPOSED));
    // A later release never bounds an earlier one: mos9.0 gets a backport below mos10.0's.
    assertInstanceOf(
        PublishResult.Published.class, repository.publish(uploads.build(V3, "third"), UPDATES));
    assertInstanceOf(
        PublishResult.Published.class,
        repository.publish(uploads.build(V2 + "+mos9.0+1", "backport"), MOS9_UPDATES));
    // The earlier release's proposed suite never shipped, so it does not bound mos10.0.
    assertInstanceOf(
        PublishResult.Published.class,
        repository.publish(
            uploads.build("1.0-9~deb12+mos1", "proposed only"),
            PublishTarget.parse("mos9.0-proposed")));
    assertInstanceOf(
        PublishResult.Published.class,
        repository.publish(
            uploads.build("1.0-4~deb12+mos1", "fourth"), PublishTarget.parse("mos10.0-hotfix")));
  }

  @Test
  void theSameVersionWithOtherContentIsRefusedInAnyRelease() throws IOException {
    repository.publish(uploads.build(V1, "first"), MOS9_UPDATES);
    Path rebuilt = uploads.build(V1, "different");
    String before = fingerprint();

    List<String> messages = messages(repository.publish(rebuilt, PROPOSED));

    // The .dsc, the debian tarball and the .deb changed; the orig tarball did not.
    assertEquals(3, messages.size(), messages.toString());
    String changed = "perestroika-hello " + V1 + " is already published with different content: ";
    assertTrue(messages.stream().allMatch(m -> m.startsWith(changed)), messages.toString());
    assertTrue(
        messages.stream()
            .anyMatch(m -> m.startsWith(changed + "perestroika-hello_" + V1 + "_amd64.deb")),
        messages.toString());
    assertEquals(before, fingerprint());
  }

  @Test
  void theBaseSuiteOfAReleasePastGaIsFrozen() throws IOException {
    AptRepository afterGa =
        repository(
            AptRepositoryConfig.defaults(root),
            runner,
            new VersionPolicy(
                ReleaseProgression.natural(),
                Set.of(MOS9_UPDATES.release()),
                FixedBaseDistro.empty()));
    Path changes = uploads.build(V1, "first");

    assertEquals(
        List.of(
            "mos9.0 is past GA: its base suite is frozen; publish to mos9.0-updates or -security"),
        messages(afterGa.publish(changes, PublishTarget.parse("mos9.0"))));
    assertInstanceOf(PublishResult.Published.class, afterGa.publish(changes, MOS9_UPDATES));
    assertInstanceOf(
        PublishResult.Published.class,
        afterGa.publish(changes, PublishTarget.parse("mos9.0-hotfix")));
  }

  @Test
  void trademarksAndVersionsWithoutMosAreRefusedExceptInHoldback() throws IOException {
    Path upstream = uploads.build("1.0-1ubuntu1", "upstream");

    List<String> messages = messages(repository.publish(upstream, PROPOSED));

    assertEquals(2, messages.size(), messages.toString());
    assertTrue(
        messages
            .get(0)
            .startsWith(
                "perestroika-hello 1.0-1ubuntu1 contains a base distro vendor's trademark"
                    + " (ubuntu)"),
        messages.toString());
    assertTrue(
        messages
            .get(1)
            .startsWith("perestroika-hello 1.0-1ubuntu1 does not carry the keyword 'mos'"),
        messages.toString());
    assertInstanceOf(
        PublishResult.Published.class,
        repository.publish(upstream, PublishTarget.parse("mos10.0-holdback")));
  }

  @Test
  void aDivergentVersionMustStayBelowTheBaseDistrosPackage() throws IOException {
    try (FixtureArchive archive = FixtureArchive.signedBy(dir.resolve("mirror"), key)) {
      archive.suite(
          "bookworm",
          "Package: perestroika-hello\nVersion: 1.0-1\nArchitecture: amd64\n",
          "Acquire-By-Hash: yes\n");
      BaseDistroIndex bookworm =
          new BaseDistroIndex(
              "bookworm",
              archive.uri(),
              new BaseDistroIndex.Archive(
                  FixtureArchive.keyring(key, dir.resolve("keyring.gpg")),
                  "a keyring",
                  List.of(""),
                  List.of("main")),
              List.of("amd64"),
              dir.resolve("upstream/bookworm"),
              HttpClient.newHttpClient(),
              runner);
      AptRepository checked =
          repository(
              AptRepositoryConfig.defaults(root),
              runner,
              new VersionPolicy(ReleaseProgression.natural(), Set.of(), bookworm));

      assertEquals(
          List.of(
              "perestroika-hello 1.0-1+mos1 is not lower than 1.0-1, bookworm's package of the"
                  + " same upstream version: a divergent package must sort below it, so that"
                  + " bookworm's takes over once ours is removed; use the ~ scheme, as in"
                  + " `perestroika versions mos divergent --from 1.0-1 --distro-token <token>`"),
          messages(checked.publish(uploads.build("1.0-1+mos1", "above"), PROPOSED)));
      assertInstanceOf(
          PublishResult.Published.class, checked.publish(uploads.build(V1, "below"), PROPOSED));
      assertInstanceOf(
          PublishResult.Published.class,
          checked.publish(
              uploads.build("1.0-1", "upstream, held back"),
              PublishTarget.parse("mos10.0-holdback")));
    }
  }

  private static List<String> messages(PublishResult result) {
    return assertInstanceOf(PublishResult.Rejected.class, result).violations().stream()
        .map(PolicyViolation::message)
        .toList();
  }

  @Test
  void promoteCopiesTheExactPackagesOfSeveralSourcesAndSignsTheTarget() throws IOException {
    repository.publish(uploads.build("1.0-1~deb12+mos1", "first"), PROPOSED);
    repository.publish(
        uploads.build("perestroika-other", "2.0-1~deb12+mos1", "other", FakeUploads.COMMIT_LINES),
        PROPOSED);
    String poolBefore = pool();

    PublishResult result =
        repository.promote(PROPOSED, UPDATES, List.of("perestroika-hello", "perestroika-other"));

    assertEquals(
        new PublishResult.Published(
            UPDATES,
            List.of(
                "perestroika-hello 1.0-1~deb12+mos1 amd64",
                "perestroika-hello 1.0-1~deb12+mos1 source",
                "perestroika-other 2.0-1~deb12+mos1 amd64",
                "perestroika-other 2.0-1~deb12+mos1 source")),
        result);
    Map<String, String> proposed = packageChecksums(PROPOSED);
    assertEquals(2, proposed.size(), proposed::toString);
    assertEquals(proposed, packageChecksums(UPDATES));
    assertEquals(poolBefore, pool(), "promotion adds no file to the pool");
    Path keyring = repository.publicKey();
    Path dists = root.resolve("dists/mos10.0-updates");
    runner.check(
        Command.of("gpgv", "--keyring", keyring.toString(), dists.resolve("InRelease").toString()));
    runner.check(
        Command.of(
            "gpgv",
            "--keyring",
            keyring.toString(),
            dists.resolve("Release.gpg").toString(),
            dists.resolve("Release").toString()));
    assertEquals(Optional.of("1.0-1~deb12+mos1"), aptCandidate(UPDATES));

    String before = fingerprint();
    assertEquals(
        result,
        repository.promote(PROPOSED, UPDATES, List.of("perestroika-hello", "perestroika-other")));
    assertEquals(before, fingerprint(), "promoting again changes nothing");
  }

  @Test
  void aRefusedOrFailedPromotionLeavesTheRepositoryAsItWas() throws IOException {
    repository.publish(uploads.build("1.0-1~deb12+mos1", "first"), PROPOSED);
    repository.publish(uploads.build("1.0-2~deb12+mos1", "second"), UPDATES);
    repository.publish(
        uploads.build("perestroika-other", "2.0-1~deb12+mos1", "other", FakeUploads.COMMIT_LINES),
        PROPOSED);
    String before = fingerprint();

    PublishResult refused =
        repository.promote(PROPOSED, UPDATES, List.of("perestroika-other", "perestroika-hello"));

    assertEquals(
        new PublishResult.Rejected(
            List.of(
                new PolicyViolation(
                    "perestroika-hello 1.0-1~deb12+mos1 is lower than 1.0-2~deb12+mos1 in"
                        + " mos10.0-updates: versions never go down within mos10.0; publish"
                        + " 1.0-2~deb12+mos1 or a higher version"))),
        refused);
    assertEquals(before, fingerprint());

    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> repository.promote(PROPOSED, UPDATES, List.of("perestroika-other", "nova")));
    assertEquals(
        "mos10.0-proposed holds no nova to promote; it holds perestroika-hello 1.0-1~deb12+mos1,"
            + " perestroika-other 2.0-1~deb12+mos1",
        missing.getMessage());
    assertEquals(before, fingerprint());

    // The source is copied, then signing fails: the copy must not be served. (Promoting hello
    // to security is refused: updates holds a higher version.)
    CommandRunner gpgvFails =
        command ->
            command.argv().get(0).equals("gpgv")
                ? new CommandResult(2, "", "gpgv: BAD signature")
                : runner.run(command);
    PublishException failed =
        assertThrows(
            PublishException.class,
            () ->
                repository(AptRepositoryConfig.defaults(root), gpgvFails)
                    .promote(
                        PROPOSED,
                        PublishTarget.parse("mos10.0-security"),
                        List.of("perestroika-other")));
    assertTrue(failed.getMessage().contains("the repository is unchanged"), failed.getMessage());
    assertEquals(before, fingerprint());
  }

  @Test
  void withAnUploadersKeyringOnlyUploadsSignedByATrustedKeyArePublished() throws IOException {
    try (ThrowawayGpgHome trusted = ThrowawayGpgHome.create();
        ThrowawayGpgHome stranger = ThrowawayGpgHome.create()) {
      Path keyring = dir.resolve("uploaders.gpg");
      runner.check(
          Command.of(
              "gpg",
              "--batch",
              "--homedir",
              trusted.home().toString(),
              "--output",
              keyring.toString(),
              "--export",
              trusted.fingerprint()));
      AptRepository checking =
          repository(
              AptRepositoryConfig.defaults(root).withUploadersKeyring(Optional.of(keyring)),
              runner);

      Path unsigned = uploads.build("1.0-1~deb12+mos1", "first");
      String unsignedMessage =
          assertThrows(InvalidUploadException.class, () -> checking.publish(unsigned, PROPOSED))
              .getMessage();
      assertTrue(unsignedMessage.startsWith(unsigned + " is not signed: "), unsignedMessage);

      Path foreign = sign(uploads.build("1.0-1~deb12+mos1", "first"), stranger);
      String foreignMessage =
          assertThrows(InvalidUploadException.class, () -> checking.publish(foreign, PROPOSED))
              .getMessage();
      assertEquals(
          foreign
              + " is signed by key "
              + stranger.fingerprint()
              + ", which is not in the uploaders keyring "
              + keyring
              + ": sign it with a trusted uploader key, or add that key's public key to the"
              + " keyring",
          foreignMessage);

      Path tampered = sign(uploads.build("1.0-1~deb12+mos1", "first"), trusted);
      Files.writeString(
          tampered, Files.readString(tampered).replace("Urgency: medium", "Urgency: high"));
      String tamperedMessage =
          assertThrows(InvalidUploadException.class, () -> checking.publish(tampered, PROPOSED))
              .getMessage();
      assertTrue(
          tamperedMessage.contains("but the signature does not match its content"),
          tamperedMessage);
      assertFalse(Files.exists(root, LinkOption.NOFOLLOW_LINKS), "nothing was published");

      Path signed = sign(uploads.build("1.0-1~deb12+mos1", "first"), trusted);
      assertEquals(
          new PublishResult.Published(
              PROPOSED,
              List.of(
                  "perestroika-hello 1.0-1~deb12+mos1 amd64",
                  "perestroika-hello 1.0-1~deb12+mos1 source")),
          checking.publish(signed, PROPOSED));
    }
  }

  @Test
  void anUploadWithoutCommitLinesIsRefusedNamingThem() throws IOException {
    Path changes = uploads.build("perestroika-hello", "1.0-1~deb12+mos1", "first", "");

    PublishResult result = repository.publish(changes, PROPOSED);

    PublishResult.Rejected rejected = assertInstanceOf(PublishResult.Rejected.class, result);
    assertEquals(2, rejected.violations().size(), rejected::toString);
    assertTrue(
        rejected.violations().get(0).message().contains("no 'Source commit:' line"),
        rejected::toString);
    assertTrue(
        rejected.violations().get(1).message().contains("`perestroika build` adds"),
        rejected::toString);
    assertFalse(Files.exists(root, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aBatchIsPublishedWholeInOneSnapshotOrNotAtAll() throws IOException {
    repository.publish(uploads.build(V2, "second"), PROPOSED);
    Path untouched = root.resolve("dists/mos10.0-updates/InRelease");
    byte[] updatesBefore = Files.readAllBytes(untouched);
    Path link = Files.readSymbolicLink(root);

    PublishResult refused =
        repository.publish(
            List.of(
                uploads.build("perestroika-other", V1, "other", FakeUploads.COMMIT_LINES),
                uploads.build(V1, "lower than held")),
            PROPOSED);

    assertInstanceOf(PublishResult.Rejected.class, refused);
    assertEquals(link, Files.readSymbolicLink(root), "a refused batch publishes nothing");

    PublishResult published =
        repository.publish(
            List.of(
                uploads.build("perestroika-other", V1, "other", FakeUploads.COMMIT_LINES),
                uploads.build(V3, "third")),
            PROPOSED);

    assertEquals(
        new PublishResult.Published(
            PROPOSED,
            List.of(
                "perestroika-hello " + V3 + " amd64",
                "perestroika-hello " + V3 + " source",
                "perestroika-other " + V1 + " amd64",
                "perestroika-other " + V1 + " source")),
        published);
    assertEquals(
        Path.of(".debian.snapshots/000002/public"),
        Files.readSymbolicLink(root),
        "one snapshot for the whole batch");
    assertArrayEquals(
        updatesBefore,
        Files.readAllBytes(untouched),
        "a suite nothing changed keeps its signature");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            repository.publish(
                List.of(uploads.build(V3, "third"), uploads.build(V3, "third")), PROPOSED));
  }

  @Test
  void invalidUploadsAreRefusedBeforeAnythingChanges() throws IOException {
    repository.publish(uploads.build(V1, "first"), PROPOSED);
    String before = fingerprint();

    Path escaping =
        FakeUploads.write(
            dir.resolve("escaping"),
            V2,
            Map.of("../perestroika-hello_" + V2 + "_amd64.deb", new byte[] {1}));
    assertTrue(
        assertThrows(InvalidUploadException.class, () -> repository.publish(escaping, PROPOSED))
            .getMessage()
            .contains("not a plain file name"));

    Path linked = uploads.build(V2, "second");
    Path deb = linked.resolveSibling("perestroika-hello_" + V2 + "_amd64.deb");
    Path real = Files.move(deb, dir.resolve("real.deb"));
    Files.createSymbolicLink(deb, real);
    assertTrue(
        assertThrows(InvalidUploadException.class, () -> repository.publish(linked, PROPOSED))
            .getMessage()
            .contains("is a symbolic link"));

    Path tampered = uploads.build(V3, "third");
    Path tamperedDeb = tampered.resolveSibling("perestroika-hello_" + V3 + "_amd64.deb");
    byte[] bytes = Files.readAllBytes(tamperedDeb);
    bytes[bytes.length - 1] ^= 1;
    Files.write(tamperedDeb, bytes);
    assertTrue(
        assertThrows(InvalidUploadException.class, () -> repository.publish(tampered, PROPOSED))
            .getMessage()
            .contains("the file was changed after the build"));

    assertEquals(before, fingerprint());
    assertEquals(List.of("000001"), snapshots());
  }

  @Test
  void aRepreproFailureLeavesTheOldSnapshotServed() throws IOException {
    repository.publish(uploads.build(V1, "first"), PROPOSED);
    String before = fingerprint();
    Path corrupt = FakeUploads.deb(dir.resolve("corrupt"), V2, "not an ar archive");

    PublishException e =
        assertThrows(PublishException.class, () -> repository.publish(corrupt, PROPOSED));

    assertTrue(e.getMessage().contains("the repository is unchanged"), e.getMessage());
    assertInstanceOf(CommandFailedException.class, e.getCause());
    assertTrue(e.getMessage().contains("reprepro"), e.getMessage());
    assertEquals(before, fingerprint());
    assertEquals(List.of("000001"), snapshots());
  }

  @Test
  void aFailureAfterRepreproRanLeavesTheOldSnapshotServed() throws IOException {
    repository.publish(uploads.build(V1, "first"), PROPOSED);
    String before = fingerprint();
    CommandRunner gpgvFails =
        command ->
            command.argv().get(0).equals("gpgv")
                ? new CommandResult(2, "", "gpgv: BAD signature")
                : runner.run(command);
    AptRepository failing = repository(AptRepositoryConfig.defaults(root), gpgvFails);

    Path second = uploads.build(V2, "second");
    PublishException e =
        assertThrows(PublishException.class, () -> failing.publish(second, PROPOSED));
    assertTrue(e.getMessage().contains("gpgv: BAD signature"), e.getMessage());

    assertEquals(before, fingerprint());
    assertEquals(List.of("000001"), snapshots());
  }

  @Test
  void keepsOnlyTheNewestSnapshots() throws IOException {
    AptRepository keepTwo =
        repository(AptRepositoryConfig.defaults(root).withKeepSnapshots(2), runner);
    for (String version : List.of(V1, V2, V3)) {
      assertInstanceOf(
          PublishResult.Published.class,
          keepTwo.publish(uploads.build(version, "build " + version), PROPOSED));
    }
    assertEquals(List.of("000002", "000003"), snapshots());
    assertEquals(Path.of(".debian.snapshots/000003/public"), Files.readSymbolicLink(root));
  }

  @Test
  void refusesARootThatIsAPlainDirectory() throws IOException {
    Files.createDirectories(root.resolve("dists"));
    Path changes = uploads.build(V1, "first");
    PublishException e =
        assertThrows(PublishException.class, () -> repository.publish(changes, PROPOSED));
    assertInstanceOf(SnapshotException.class, e.getCause());
    assertTrue(e.getMessage().contains("is not a link to a snapshot made by perestroika"));
    assertTrue(Files.isDirectory(root.resolve("dists"), LinkOption.NOFOLLOW_LINKS));
  }

  /** Clearsigns {@code changes} in place with {@code key}, as an uploader would. */
  private Path sign(Path changes, ThrowawayGpgHome key) throws IOException {
    Path signed = changes.resolveSibling("signed.asc");
    runner.check(
        Command.of(
            "gpg",
            "--batch",
            "--homedir",
            key.home().toString(),
            "--local-user",
            key.fingerprint(),
            "--output",
            signed.toString(),
            "--clearsign",
            changes.toString()));
    Files.move(signed, changes, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return changes;
  }

  /** Each package of a suite's amd64 index with the SHA256 of its .deb. */
  private Map<String, String> packageChecksums(PublishTarget target) throws IOException {
    Map<String, String> checksums = new java.util.TreeMap<>();
    String index =
        Files.readString(
            root.resolve("dists").resolve(target.codename()).resolve("main/binary-amd64/Packages"));
    for (String stanza : index.split("\n\n")) {
      String name = field(stanza, "Package");
      if (name != null) {
        checksums.put(
            name + " " + field(stanza, "Version") + " " + field(stanza, "Filename"),
            field(stanza, "SHA256"));
      }
    }
    return checksums;
  }

  private static String field(String stanza, String name) {
    return stanza
        .lines()
        .filter(line -> line.startsWith(name + ": "))
        .map(line -> line.substring(name.length() + 2))
        .findFirst()
        .orElse(null);
  }

  /** Every file of the served pool with its checksum. */
  private String pool() throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.walk(root.resolve("pool"), FileVisitOption.FOLLOW_LINKS)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        text.append(root.relativize(file)).append(' ').append(DebUpload.sha256(file)).append('\n');
      }
    }
    return text.toString();
  }

  /** The OpenPGP hash algorithm number of the signature in a clear-signed file (10 = SHA512). */
  private int digestAlgorithm(Path clearsigned) throws IOException {
    String text = Files.readString(clearsigned);
    Path signature = dir.resolve("signature.asc");
    Files.writeString(signature, text.substring(text.indexOf("-----BEGIN PGP SIGNATURE-----")));
    String packets =
        runner
            .check(
                Command.of(
                    "gpg",
                    "--batch",
                    "--homedir",
                    key.home().toString(),
                    "--list-packets",
                    signature.toString()))
            .stdout();
    int at = packets.indexOf("digest algo ");
    assertTrue(at >= 0, packets);
    return Integer.parseInt(packets.substring(at + 12, packets.indexOf(',', at)));
  }

  /** What apt, trusting only the published keyring via signed-by, would install from target. */
  private Optional<String> aptCandidate(PublishTarget target) throws IOException {
    String line =
        repository(
                AptRepositoryConfig.defaults(root).withClientKeyring(repository.publicKey()),
                runner)
            .sourcesListLine(target, "file:" + root);
    return HostApt.candidate(runner, dir.resolve("apt"), line, "perestroika-hello");
  }

  /** Every path under the served tree with the content of each file, and where root points. */
  private String fingerprint() throws IOException {
    Path served = root.toRealPath();
    StringBuilder text = new StringBuilder("root -> " + Files.readSymbolicLink(root) + "\n");
    // Through the link to the pool all snapshots share, so a change left there shows too.
    try (Stream<Path> paths = Files.walk(served, FileVisitOption.FOLLOW_LINKS)) {
      for (Path path : paths.sorted().toList()) {
        text.append(served.relativize(path));
        if (Files.isRegularFile(path)) {
          text.append(' ').append(DebUpload.sha256(path));
        }
        text.append('\n');
      }
    }
    text.append("snapshots ").append(snapshots()).append('\n');
    return text.toString();
  }

  /** The snapshots readers may use: not the spare, a retired one that the next change reuses. */
  private List<String> snapshots() throws IOException {
    try (Stream<Path> entries = Files.list(dir.resolve("repos/.debian.snapshots"))) {
      return entries
          .map(path -> path.getFileName().toString())
          .filter(name -> !List.of("lock", "shared", ".spare").contains(name))
          .sorted()
          .toList();
    }
  }
}
