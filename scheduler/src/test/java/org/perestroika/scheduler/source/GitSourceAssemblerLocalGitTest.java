package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.perestroika.core.model.PackageFormat.DEB;
import static org.perestroika.scheduler.source.LocalGitServer.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.RecordingCommandRunner;
import org.perestroika.testing.Requirements;

/** The assembler with the real git, tar and gzip, against repositories served by file: URLs. */
class GitSourceAssemblerLocalGitTest {
  private static final String CODE = "acme/openstack/greeter";
  private static final String SPEC = "acme/openstack-build/greeter";
  private static final String COMBINED = "acme/packages/fuel/bookworm/greeter";
  private static final String NATIVE = "acme/packages/fuel/bookworm/greeter-tools";
  private static final String VERSION = "1.2.0-1~deb12+mos1";

  @TempDir Path tmp;

  private final CommandRunner tools = new ProcessCommandRunner();
  private final RecordingCommandRunner runner = new RecordingCommandRunner(tools::run);
  private LocalGitServer server;
  private GitSourceAssembler assembler;

  @BeforeEach
  void serverAndAssembler() {
    server = new LocalGitServer(tmp);
    assembler = new GitSourceAssembler(runner, tmp.resolve("cache"), server.remote());
  }

  @Test
  void aSplitPairTakesDebianFromTheSpecAndEverythingElseFromTheCode() throws IOException {
    // Upstream ships packaging of its own, which the spec's replaces in the tree.
    String code =
        server.commit(
            CODE,
            Map.of("debian/changelog", "upstream's own\n", "debian/upstream-only", "x\n"),
            "code");
    String spec = server.commit(SPEC, Map.of("README", "not the package's\n"), "spec");
    Path work = tmp.resolve("work");

    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, code, SPEC, spec), DEB, work);

    Path tree = work.resolve("greeter-1.2.0");
    Path orig = work.resolve("greeter_1.2.0.orig.tar.gz");
    assertEquals(new AssembledSource(tree, "greeter", VERSION, Optional.of(orig)), source);
    List<String> expected = new ArrayList<>(files(resource("code")));
    expected.addAll(files(resource("spec")));
    expected.sort(null);
    assertEquals(expected, files(tree));
    assertEquals(
        Files.readString(resource("spec/debian/changelog")),
        Files.readString(tree.resolve("debian/changelog")));
    assertEquals(
        Files.readString(resource("code/README")), Files.readString(tree.resolve("README")));
    assertTrue(Files.isExecutable(tree.resolve("greeter/greet")));
    assertTrue(Files.isExecutable(tree.resolve("debian/rules")));
    // The orig is the code commit as it is, upstream's debian/ included.
    List<String> entries = tarEntries(orig);
    assertTrue(entries.contains("greeter-1.2.0/debian/upstream-only"), entries::toString);
    assertTrue(entries.contains("greeter-1.2.0/greeter/greet"), entries::toString);
    assertTrue(entries.stream().allMatch(e -> e.startsWith("greeter-1.2.0/")), entries::toString);
    assertEquals(List.of("greeter-1.2.0", "greeter_1.2.0.orig.tar.gz"), list(work));
  }

  @Test
  void theSameCommitsGiveTheSameOrigBytesLaterAndInAnotherCache() throws Exception {
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, "spec");
    SourceSpec pair = SourceSpec.split(CODE, code, SPEC, spec);

    byte[] first =
        Files.readAllBytes(assembler.assemble(pair, DEB, tmp.resolve("one")).origTarball().get());
    String newerCode = server.commit(CODE, Map.of("NEWS", "later work\n"), "code");
    String newerSpec = server.commit(SPEC, Map.of("debian/NEWS", "later packaging\n"), "spec");
    assembler.assemble(
        SourceSpec.split(CODE, newerCode, SPEC, newerSpec), DEB, tmp.resolve("newer"));
    int fetchesSoFar = fetches();
    byte[] again =
        Files.readAllBytes(assembler.assemble(pair, DEB, tmp.resolve("two")).origTarball().get());
    byte[] elsewhere =
        Files.readAllBytes(
            new GitSourceAssembler(tools, tmp.resolve("other-cache"), server.remote())
                .assemble(pair, DEB, tmp.resolve("three"))
                .origTarball()
                .get());

    assertArrayEquals(first, again);
    assertArrayEquals(first, elsewhere);
    assertEquals(fetchesSoFar, fetches(), "commits already mirrored are not fetched again");
    // gzip -n: no time stamp in the header (bytes 4 to 7), and no name (no FNAME flag).
    assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(first, 4, 8));
    assertEquals(0, first[3] & 0x08);
  }

  @Test
  void aCombinedQuiltPackageGetsAnOrigWithoutDebian() throws IOException {
    String commit = server.commit(COMBINED, "code", "spec");
    Path work = tmp.resolve("work");

    AssembledSource source = assembler.assemble(SourceSpec.combined(COMBINED, commit), DEB, work);

    Path tree = work.resolve("greeter-1.2.0");
    Path orig = work.resolve("greeter_1.2.0.orig.tar.gz");
    assertEquals(new AssembledSource(tree, "greeter", VERSION, Optional.of(orig)), source);
    List<String> expected = new ArrayList<>(files(resource("code")));
    expected.addAll(files(resource("spec")));
    expected.sort(null);
    assertEquals(expected, files(tree));
    assertEquals(
        files(resource("code")).stream().map(f -> "greeter-1.2.0/" + f).toList(),
        tarEntries(orig).stream().filter(e -> !e.endsWith("/")).sorted().toList());
    assertEquals(List.of("greeter-1.2.0", "greeter_1.2.0.orig.tar.gz"), list(work));
  }

  @Test
  void aCombinedNativePackageGetsNoOrig() throws IOException {
    String commit = server.commit(NATIVE, "native");
    Path work = tmp.resolve("work");

    AssembledSource source = assembler.assemble(SourceSpec.combined(NATIVE, commit), DEB, work);

    Path tree = work.resolve("greeter-tools-0.3");
    assertEquals(new AssembledSource(tree, "greeter-tools", "0.3", Optional.empty()), source);
    assertEquals(files(resource("native")), files(tree));
    assertEquals(List.of("greeter-tools-0.3"), list(work));
  }

  @Test
  void exportSubstPlaceholdersAreLeftAsCommitted() throws IOException {
    String placeholder = "$Format:%H%d$\n";
    String commit =
        server.commit(
            COMBINED,
            Map.of(".gitattributes", "VERSION export-subst\n", "VERSION", placeholder),
            "code",
            "spec");

    AssembledSource source =
        assembler.assemble(SourceSpec.combined(COMBINED, commit), DEB, tmp.resolve("work"));

    assertEquals(placeholder, Files.readString(source.tree().resolve("VERSION")));
  }

  @Test
  void aCommitTheServerDoesNotHaveIsAnInvalidSource() {
    server.commit(CODE, "code");
    String missing = "0123456789abcdef0123456789abcdef01234567";

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () -> assembler.assemble(SourceSpec.combined(CODE, missing), DEB, tmp.resolve("work")));

    assertTrue(e.getMessage().contains(CODE + ": commit " + missing), e::getMessage);
    assertTrue(e.getMessage().contains("does not exist"), e::getMessage);
  }

  @Test
  void aProjectTheServerDoesNotHaveIsAnInvalidSource() {
    String commit = server.commit(CODE, "code");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.combined("acme/openstack/absent", commit),
                    DEB,
                    tmp.resolve("work")));

    assertTrue(e.getMessage().contains("no project acme/openstack/absent"), e::getMessage);
  }

  @Test
  void aSpecWithoutChangelogIsAnInvalidSource() {
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, Map.of("debian/control", "Source: greeter\n"));

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, code, SPEC, spec), DEB, tmp.resolve("work")));

    assertTrue(e.getMessage().startsWith(SPEC + " at " + spec), e::getMessage);
    assertTrue(e.getMessage().contains("no debian/changelog"), e::getMessage);
  }

  @Test
  void aMalformedChangelogIsReportedWithItsProjectAndCommit() {
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, Map.of("debian/changelog", "greeter 1.0 unstable\n"));

    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, code, SPEC, spec), DEB, tmp.resolve("work")));

    assertEquals(SPEC + "@" + spec + ":debian/changelog", e.sourceName());
    assertEquals(1, e.line());
  }

  @Test
  void anEmptyCodeTreeIsAnInvalidSource() {
    String code = server.commit(CODE, Map.of("debian/changelog", "upstream's own\n"));
    String spec = server.commit(SPEC, "spec");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, code, SPEC, spec), DEB, tmp.resolve("work")));

    assertTrue(e.getMessage().startsWith(CODE + " at " + code), e::getMessage);
    assertTrue(e.getMessage().contains("empty"), e::getMessage);
  }

  @Test
  void aCommitTheServerWillNotGiveByIdIsFetchedThroughItsRef() {
    String patchSet = server.commit(CODE, "code");
    String child = server.commit(CODE, Map.of("NEWS", "on top\n"), "code");
    server.ref(CODE, "refs/changes/34/1234/2", child);
    String spec = server.commit(SPEC, "spec");
    // Protocol version 0 hands out only advertised tips by id, as servers without
    // uploadpack.allowReachableSHA1InWant do; the patch set is not a tip.
    CommandRunner oldProtocol =
        command -> {
          Map<String, String> env = new HashMap<>(command.environment());
          env.putAll(
              Map.of(
                  "GIT_CONFIG_COUNT", "1",
                  "GIT_CONFIG_KEY_0", "protocol.version",
                  "GIT_CONFIG_VALUE_0", "0"));
          return runner.run(command.withEnvironment(env));
        };
    GitSourceAssembler old =
        new GitSourceAssembler(oldProtocol, tmp.resolve("cache"), server.remote());
    SourceSpec pair = SourceSpec.split(CODE, patchSet, SPEC, spec);

    assertThrows(
        InvalidSourceException.class, () -> old.assemble(pair, DEB, tmp.resolve("no-ref")));
    AssembledSource source =
        old.assemble(pair.withCodeRef("refs/changes/34/1234/2"), DEB, tmp.resolve("work"));

    assertFalse(Files.exists(source.tree().resolve("NEWS")), "the patch set, not the ref's tip");
    assertTrue(Files.exists(source.tree().resolve("README")));
  }

  @Test
  void twoAssemblersFetchingTheSameProjectsAtOnceBothSucceed() throws Exception {
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, "spec");
    SourceSpec pair = SourceSpec.split(CODE, code, SPEC, spec);
    // Two assemblers sharing one cache, as two dispatch threads (or two processes) would.
    List<GitSourceAssembler> assemblers =
        List.of(assembler, new GitSourceAssembler(tools, tmp.resolve("cache"), server.remote()));
    CyclicBarrier start = new CyclicBarrier(assemblers.size());
    ExecutorService pool = Executors.newFixedThreadPool(assemblers.size());
    try {
      List<Future<AssembledSource>> results = new ArrayList<>();
      for (int i = 0; i < assemblers.size(); i++) {
        GitSourceAssembler each = assemblers.get(i);
        Path work = tmp.resolve("work-" + i);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return each.assemble(pair, DEB, work);
                }));
      }
      byte[] first = Files.readAllBytes(results.get(0).get().origTarball().get());
      byte[] second = Files.readAllBytes(results.get(1).get().origTarball().get());
      assertArrayEquals(first, second);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void dpkgSourceBuildsAnAssembledQuiltTree() throws IOException {
    Requirements.requirePrograms("dpkg-source");
    String code = server.commit(CODE, Map.of("debian/changelog", "upstream's own\n"), "code");
    String spec = server.commit(SPEC, "spec");
    Path work = tmp.resolve("work");
    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, code, SPEC, spec), DEB, work);

    tools.check(
        Command.of("dpkg-source", "--build", source.tree().getFileName().toString())
            .inDirectory(work));

    assertTrue(Files.isRegularFile(work.resolve("greeter_1.2.0-1~deb12+mos1.dsc")));
    assertTrue(Files.isRegularFile(work.resolve("greeter_1.2.0-1~deb12+mos1.debian.tar.xz")));
  }

  @Test
  void theCredentialHelperGivesGitTheUserAndPasswordVerbatim() {
    String password = "pa$$ 'w\\n\"rd`x`";
    Map<String, String> env = new HashMap<>(GitMirrors.GIT_ENVIRONMENT);
    env.put(GitMirrors.USER_VARIABLE, "builder");
    env.put(GitMirrors.PASSWORD_VARIABLE, password);

    String answer =
        tools
            .check(
                Command.of(
                        "sh",
                        "-c",
                        "printf 'protocol=https\\nhost=review.example.com\\n\\n'"
                            + " | git -c credential.helper= -c \"$1\" credential fill",
                        "sh",
                        "credential.helper=" + GitMirrors.CREDENTIAL_HELPER)
                    .withEnvironment(env))
            .stdout();

    assertEquals(
        "protocol=https\nhost=review.example.com\nusername=builder\npassword=" + password + "\n",
        answer);
  }

  private int fetches() {
    return (int) runner.commands().stream().filter(c -> c.argv().contains("fetch")).count();
  }

  private List<String> tarEntries(Path tarball) {
    return tools
        .check(Command.of("tar", "-t", "-z", "-f", tarball.toString()))
        .stdout()
        .lines()
        .toList();
  }

  /** The regular files under a directory, relative to it, sorted. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString())
          .sorted()
          .toList();
    }
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
