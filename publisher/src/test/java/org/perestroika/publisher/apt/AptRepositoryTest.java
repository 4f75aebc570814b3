package org.perestroika.publisher.apt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.policy.PolicyViolation;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.FakeUploads;
import org.perestroika.testing.RecordingCommandRunner;

/**
 * Drives AptRepository against fakes of reprepro, gpg and gpgv that write the files the real tools
 * would, and checks the exact command lines.
 */
class AptRepositoryTest {
  private static final String FPR = "4963DC23EEB04004671622C697DAFC274E6330D8";
  private static final String LIST_FORMAT =
      "${$source} ${$sourceversion} ${$type} ${package} ${version} ${$architecture}"
          + " ${$component} ${$filekey}\\n";
  private static final PublishTarget PROPOSED = PublishTarget.parse("mos10.0-proposed");
  private static final String V1 = "1.0-1~deb12+mos1";
  private static final String V2 = "1.0-2~deb12+mos1";
  private static final PublishTarget UPDATES = PublishTarget.parse("mos10.0-updates");

  @TempDir Path dir;
  private Path root;

  /** What reprepro lists for each codename, one answer per listfilter call; then nothing. */
  private final Map<String, Deque<String>> listings = new HashMap<>();

  /** What each codename holds of each source, when no answer is queued; copysrc copies it. */
  private final Map<String, Map<String, String>> contents = new HashMap<>();

  /** What reprepro's {@code list} answers. */
  private String sources = "";

  private RecordingCommandRunner tools;
  private RecordingCommandRunner gpg;
  private AptRepository repository;

  @BeforeEach
  void setUp() throws IOException {
    root = dir.resolve("repos/debian");
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    gpg = new RecordingCommandRunner(AptRepositoryTest::fakeGpg);
    tools = new RecordingCommandRunner(this::fakeTools);
    GpgKeyring keyring = GpgKeyring.open(gpg, home, Optional.empty());
    repository =
        new AptRepository(
            AptRepositoryConfig.defaults(root),
            tools,
            keyring,
            new VersionPolicy(ReleaseProgression.natural(), Set.of(), FixedBaseDistro.empty()));
  }

  private static CommandResult fakeGpg(Command command) {
    List<String> argv = command.argv();
    if (argv.contains("--list-secret-keys")) {
      return new CommandResult(0, "sec:u:4096:1:X:1::::::scSC:\nfpr:::::::::" + FPR + ":\n", "");
    }
    int output = argv.indexOf("--output");
    if (output >= 0) {
      write(Path.of(argv.get(output + 1)), "gpg output for " + argv.get(argv.size() - 1));
    }
    return new CommandResult(0, "", "");
  }

  private CommandResult fakeTools(Command command) {
    List<String> argv = command.argv();
    if (argv.get(0).equals("reprepro")) {
      Path outdir = Path.of(argv.get(argv.indexOf("--outdir") + 1));
      if (argv.contains("listfilter")) {
        String codename = argv.get(argv.indexOf("listfilter") + 1);
        Deque<String> answers = listings.getOrDefault(codename, new ArrayDeque<>());
        String filter = argv.get(argv.indexOf("listfilter") + 2);
        String source = filter.substring("$Source (== ".length(), filter.length() - 1);
        String held = contents.getOrDefault(codename, Map.of()).getOrDefault(source, "");
        return new CommandResult(0, answers.isEmpty() ? held : answers.poll(), "");
      }
      if (argv.contains("copysrc")) {
        int at = argv.indexOf("copysrc");
        String source = argv.get(at + 3);
        contents
            .computeIfAbsent(argv.get(at + 1), key -> new HashMap<>())
            .put(source, contents.get(argv.get(at + 2)).get(source));
      }
      if (argv.contains("list")) {
        return new CommandResult(0, sources, "");
      }
      if (argv.contains("export")) {
        for (String codename : argv.subList(argv.indexOf("export") + 1, argv.size())) {
          write(outdir.resolve("dists").resolve(codename).resolve("Release"), codename);
        }
      }
    }
    return new CommandResult(0, "", "");
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void listing(String codename, String text) {
    listings.computeIfAbsent(codename, key -> new ArrayDeque<>()).add(text);
  }

  private static String held(String version) {
    return "perestroika-hello "
        + version
        + " deb perestroika-hello "
        + version
        + " amd64 main pool/main/p/perestroika-hello/perestroika-hello_"
        + version
        + "_amd64.deb\n";
  }

  /** A source's .deb and .dsc as a suite lists them. */
  private static String held(String source, String version) {
    String pool = "pool/main/" + source.charAt(0) + "/" + source + "/" + source + "_" + version;
    return source
        + " "
        + version
        + " deb "
        + source
        + " "
        + version
        + " amd64 main "
        + pool
        + "_amd64.deb\n"
        + source
        + " "
        + version
        + " dsc "
        + source
        + " "
        + version
        + " source main "
        + pool
        + ".dsc\n";
  }

  /** Makes {@code codename} hold {@code source} at {@code version}, pool files included. */
  private void holds(String codename, String source, String version) {
    contents.computeIfAbsent(codename, key -> new HashMap<>()).put(source, held(source, version));
    Path pool = root.resolve("pool/main/" + source.charAt(0) + "/" + source);
    write(pool.resolve(source + "_" + version + "_amd64.deb"), "deb of " + source);
    write(pool.resolve(source + "_" + version + ".dsc"), "dsc of " + source);
  }

  private List<String> commandsOf(String tool) {
    return tools.commandLines().stream().filter(line -> line.startsWith(tool + " ")).toList();
  }

  @Test
  void firstPublishRunsRepreproThenSignsAndVerifiesEverySuite() throws IOException {
    Path changes = FakeUploads.deb(dir.resolve("upload"), V1, "deb");
    listing("mos10.0-proposed", "");
    listing("mos10.0-proposed", held(V1));

    PublishResult result = repository.publish(changes, PROPOSED);

    assertEquals(
        new PublishResult.Published(PROPOSED, List.of("perestroika-hello " + V1 + " amd64")),
        result);
    Path snapshot = dir.resolve("repos/.debian.snapshots/.partial-000001");
    String reprepro =
        "reprepro --basedir "
            + snapshot
            + " --confdir "
            + snapshot.resolve("conf")
            + " --dbdir "
            + snapshot.resolve("db")
            + " --outdir "
            + snapshot.resolve("public")
            + " --keepunreferencedfiles";
    String list = reprepro + " --list-format " + LIST_FORMAT + " listfilter mos10.0-proposed";
    Path key = snapshot.resolve("public/project/mos-archive-keyring.gpg");
    List<String> expected = new ArrayList<>();
    // The release's other suites are new in this snapshot: there is nothing to ask them.
    expected.add(list + " $Source (== perestroika-hello)");
    expected.add(
        reprepro
            + " --export=never --ignore=wrongdistribution include mos10.0-proposed "
            + changes.toAbsolutePath());
    // A new release changes the conf: every suite is exported once, the new upload's included.
    expected.add(
        reprepro
            + " export mos10.0 mos10.0-proposed mos10.0-updates mos10.0-security"
            + " mos10.0-holdback mos10.0-hotfix");
    expected.add(list + " $Source (== perestroika-hello)");
    expected.add(reprepro + " dumpunreferenced");
    assertEquals(expected, commandsOf("reprepro"));
    // Signing runs alongside the database work, and suites are signed side by side: each suite's
    // checks are all there, in no fixed order.
    expected.clear();
    for (String codename : DistributionsFile.codenames(List.of(PROPOSED.release()))) {
      Path suite = snapshot.resolve("public/dists").resolve(codename);
      expected.add("gpgv --keyring " + key + " " + suite.resolve("InRelease"));
      expected.add(
          "gpgv --keyring "
              + key
              + " "
              + suite.resolve("Release.gpg")
              + " "
              + suite.resolve("Release"));
    }
    expected.add(
        "gpgv --keyring " + key + " " + key.resolveSibling("mos-archive-keyring.sig") + " " + key);
    assertEquals(
        expected.stream().sorted().toList(), commandsOf("gpgv").stream().sorted().toList());

    String sign = "gpg --batch --homedir " + dir.resolve("gnupg") + " --yes --digest-algo SHA512";
    List<String> signing = gpg.commandLines().subList(1, gpg.commandLines().size());
    assertEquals(2 + 2 * 6, signing.size());
    assertTrue(signing.get(0).endsWith("--output " + key + ".new --export " + FPR));
    assertTrue(
        signing.contains(
            sign
                + " --local-user "
                + FPR
                + " --output "
                + snapshot.resolve("public/dists/mos10.0/InRelease")
                + " --clearsign "
                + snapshot.resolve("public/dists/mos10.0/Release")),
        signing.toString());

    assertTrue(Files.isSymbolicLink(root));
    assertEquals(Path.of(".debian.snapshots/000001/public"), Files.readSymbolicLink(root));
    assertEquals(
        Golden.read("golden/apt/conf-distributions-mos10.0"),
        Files.readString(dir.resolve("repos/.debian.snapshots/000001/conf/distributions")));
    for (String codename : DistributionsFile.codenames(List.of(PROPOSED.release()))) {
      for (String name : List.of("Release", "InRelease", "Release.gpg")) {
        assertTrue(Files.isRegularFile(root.resolve("dists").resolve(codename).resolve(name)));
      }
    }
    assertTrue(Files.isRegularFile(repository.publicKey()));
    assertTrue(Files.isRegularFile(root.resolve("project/mos-archive-keyring.sig")));
  }

  @Test
  void aDowngradeIsRejectedBeforeRepreproChangesAnything() throws IOException {
    Path changes = FakeUploads.deb(dir.resolve("upload"), V1, "deb");
    listing("mos10.0-proposed", held(V2));

    PublishResult result = repository.publish(changes, PROPOSED);

    assertEquals(
        new PublishResult.Rejected(
            List.of(
                new PolicyViolation(
                    "perestroika-hello "
                        + V1
                        + " is lower than "
                        + V2
                        + " in mos10.0-proposed: versions never go down within mos10.0; publish "
                        + V2
                        + " or a higher version"))),
        result);
    assertEquals(1, tools.commandLines().size());
    assertTrue(tools.commandLines().stream().allMatch(line -> line.contains(" listfilter ")));
    assertFalse(Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals(List.of(".spare", "lock", "shared"), snapshotEntries());
  }

  @Test
  void aPublishThatRepreproDidNotCarryOutFailsAndChangesNothing() throws IOException {
    Path changes = FakeUploads.deb(dir.resolve("upload"), V1, "deb");

    PublishException e =
        assertThrows(PublishException.class, () -> repository.publish(changes, PROPOSED));

    assertTrue(
        e.getMessage().contains("does not hold [perestroika-hello_" + V1 + "_amd64.deb]"),
        e.getMessage());
    assertFalse(Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals(List.of("lock", "shared"), snapshotEntries());
  }

  @Test
  void publishingWhatTheSuiteHoldsIsANoOp() throws IOException {
    Path changes = FakeUploads.deb(dir.resolve("upload"), V1, "deb");
    listing("mos10.0-proposed", "");
    listing("mos10.0-proposed", held(V1));
    repository.publish(changes, PROPOSED);
    int before = tools.commandLines().size();
    listing("mos10.0-proposed", held(V1));

    PublishResult again = repository.publish(changes, PROPOSED);

    assertInstanceOf(PublishResult.Published.class, again);
    assertEquals(before + 6, tools.commandLines().size());
    assertEquals(Path.of(".debian.snapshots/000001/public"), Files.readSymbolicLink(root));
    assertEquals(List.of(".spare", "000001", "lock", "shared"), snapshotEntries());
  }

  @Test
  void earlierReleasesAreReadFromTheSuitesTheyShipped() throws IOException {
    repository.createRelease(new org.perestroika.core.model.Release("mos9.0"));
    int from = tools.commandLines().size();
    listing("mos9.0-updates", held(V2));
    Path changes = FakeUploads.deb(dir.resolve("upload"), V1, "deb");

    PublishResult result = repository.publish(changes, PROPOSED);

    assertEquals(
        new PublishResult.Rejected(
            List.of(
                new PolicyViolation(
                    "perestroika-hello "
                        + V1
                        + " is lower than "
                        + V2
                        + " in mos9.0-updates: versions never go down along the release"
                        + " progression, and mos9.0 comes before mos10.0; publish "
                        + V2
                        + " or a higher version"))),
        result);
    assertEquals(
        // mos10.0's other suites are new in this snapshot, so only mos9.0's are asked.
        List.of("mos10.0-proposed", "mos9.0", "mos9.0-updates", "mos9.0-security"),
        tools.commandLines().subList(from, tools.commandLines().size()).stream()
            .map(
                line ->
                    line.substring(line.indexOf(" listfilter ") + 12, line.lastIndexOf(" $Source")))
            .toList());
  }

  @Test
  void createReleaseMakesEmptySignedSuitesOnce() throws IOException {
    repository.createRelease(PROPOSED.release());
    assertTrue(Files.isRegularFile(root.resolve("dists/mos10.0-holdback/InRelease")));
    int commands = tools.commandLines().size();
    repository.createRelease(PROPOSED.release());
    assertEquals(commands, tools.commandLines().size());
    assertEquals(List.of(".spare", "000001", "lock", "shared"), snapshotEntries());
  }

  @Test
  void sourcesListLinesMatchTheGoldenFile() throws IOException {
    String lines =
        DistributionsFile.codenames(List.of(PROPOSED.release())).stream()
                .map(
                    codename ->
                        repository.sourcesListLine(
                            PublishTarget.parse(codename),
                            "file:/var/lib/perestroika/repos/debian"))
                .collect(Collectors.joining("\n"))
            + "\n"
            + repository.sourcesListLine(PROPOSED, "https://mirror.example.org/mos/debian/")
            + "\n";
    assertEquals(Golden.read("golden/apt/sources.list"), lines);
    assertThrows(IllegalArgumentException.class, () -> repository.sourcesListLine(PROPOSED, "a b"));
  }

  @Test
  void anUploadWhoseChangelogNamesNoCommitsIsRejectedExceptForHoldback() throws IOException {
    Path changes =
        FakeUploads.write(
            dir.resolve("upload"),
            V1,
            Map.of("perestroika-hello_" + V1 + "_amd64.deb", new byte[] {1}),
            "  * Upstream's own build.\n");

    PublishResult result = repository.publish(changes, PROPOSED);

    PublishResult.Rejected rejected = assertInstanceOf(PublishResult.Rejected.class, result);
    String why =
        "; MOS packages name the commits they were built from, and `perestroika build` adds"
            + " the 'Source commit:' and 'Build commit:' lines";
    assertEquals(
        List.of(
            "perestroika-hello " + V1 + ": its changelog entry has no 'Source commit:' line" + why,
            "perestroika-hello " + V1 + ": its changelog entry has no 'Build commit:' line" + why),
        rejected.violations().stream().map(PolicyViolation::message).toList());
    assertFalse(Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS));

    PublishTarget holdback = PublishTarget.parse("mos10.0-holdback");
    listing(holdback.codename(), "");
    listing(holdback.codename(), held(V1));
    assertInstanceOf(PublishResult.Published.class, repository.publish(changes, holdback));
  }

  @Test
  void promoteCopiesEachSourceInOneSignedSnapshot() throws IOException {
    repository.createRelease(PROPOSED.release());
    holds(PROPOSED.codename(), "perestroika-hello", V1);
    holds(PROPOSED.codename(), "other", "2.0-1~deb12+mos1");
    int before = tools.commandLines().size();

    PublishResult result =
        repository.promote(PROPOSED, UPDATES, List.of("perestroika-hello", "other"));

    assertEquals(
        new PublishResult.Published(
            UPDATES,
            List.of(
                "other 2.0-1~deb12+mos1 amd64",
                "other 2.0-1~deb12+mos1 source",
                "perestroika-hello " + V1 + " amd64",
                "perestroika-hello " + V1 + " source")),
        result);
    String reprepro = reprepro(dir.resolve("repos/.debian.snapshots/.partial-000002"));
    List<String> copies =
        tools.commandLines().subList(before, tools.commandLines().size()).stream()
            .filter(line -> line.contains(" copysrc "))
            .toList();
    assertEquals(
        List.of(
            reprepro + " copysrc mos10.0-updates mos10.0-proposed perestroika-hello " + V1,
            reprepro + " copysrc mos10.0-updates mos10.0-proposed other 2.0-1~deb12+mos1"),
        copies);
    assertEquals(Path.of(".debian.snapshots/000002/public"), Files.readSymbolicLink(root));
  }

  @Test
  void promotingOverAHigherVersionIsRefusedAndNothingIsCopied() throws IOException {
    repository.createRelease(PROPOSED.release());
    holds(PROPOSED.codename(), "perestroika-hello", V1);
    holds(PROPOSED.codename(), "other", "2.0-1~deb12+mos1");
    holds(UPDATES.codename(), "other", "3.0-1~deb12+mos1");

    PublishResult result =
        repository.promote(PROPOSED, UPDATES, List.of("perestroika-hello", "other"));

    PublishResult.Rejected rejected = assertInstanceOf(PublishResult.Rejected.class, result);
    assertEquals(1, rejected.violations().size(), rejected.toString());
    assertTrue(
        rejected
            .violations()
            .get(0)
            .message()
            .startsWith("other 2.0-1~deb12+mos1 is lower than 3.0-1~deb12+mos1 in mos10.0-updates"),
        rejected.toString());
    assertTrue(tools.commandLines().stream().noneMatch(line -> line.contains(" copysrc ")));
    assertEquals(List.of(".spare", "000001", "lock", "shared"), snapshotEntries());
  }

  @Test
  void promotingWhatTheSourceSuiteLacksNamesItAndWhatItHolds() throws IOException {
    repository.createRelease(PROPOSED.release());
    holds(PROPOSED.codename(), "perestroika-hello", V1);
    sources = "perestroika-hello " + V1 + "\nperestroika-hello " + V1 + "\nzlib 1.3-1\n";

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> repository.promote(PROPOSED, UPDATES, List.of("perestroika-hello", "nova")));

    assertEquals(
        "mos10.0-proposed holds no nova to promote; it holds perestroika-hello "
            + V1
            + ", zlib 1.3-1",
        e.getMessage());
    assertEquals(List.of("000001", "lock", "shared"), snapshotEntries());
    assertThrows(
        IllegalArgumentException.class,
        () -> repository.promote(PROPOSED, PublishTarget.parse("mos11.0-updates"), List.of("x")));
    assertThrows(
        IllegalArgumentException.class, () -> repository.promote(PROPOSED, PROPOSED, List.of("x")));
  }

  private static String reprepro(Path snapshot) {
    return "reprepro --basedir "
        + snapshot
        + " --confdir "
        + snapshot.resolve("conf")
        + " --dbdir "
        + snapshot.resolve("db")
        + " --outdir "
        + snapshot.resolve("public")
        + " --keepunreferencedfiles";
  }

  private List<String> snapshotEntries() throws IOException {
    try (var entries = Files.list(dir.resolve("repos/.debian.snapshots"))) {
      return entries.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }

  private static final class Golden {
    private Golden() {}

    static String read(String resource) throws IOException {
      return DistributionsFileTest.Golden.read(resource);
    }
  }
}
