package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.perestroika.core.model.PackageFormat.RPM;
import static org.perestroika.scheduler.source.LocalGitServer.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;

/**
 * The rpm assembly with the real git, tar and compressors, against file: repositories; rpmspec and
 * rpmbuild run only where the Jenkins jobs and the rpm builder run them, to compare with.
 */
class RpmSourceTreeLocalGitTest {
  private static final String CODE = "acme/openstack/greeter";
  private static final String SPEC = "acme/openstack-build/greeter";
  private static final String COMBINED = "acme/packages/fuel/centos7/greeter";
  private static final String HELLO = "acme/packages/fuel/centos7/perestroika-hello";
  private static final Path HELLO_EXAMPLE = Path.of("../examples/hello-rpm");
  private static final Path JENKINS_SCRIPT = Path.of("../jjb/scripts/assemble-source.sh");

  @TempDir Path tmp;

  private final CommandRunner tools = new ProcessCommandRunner();
  private LocalGitServer server;
  private GitSourceAssembler assembler;

  @BeforeEach
  void serverAndAssembler() {
    server = new LocalGitServer(tmp);
    assembler = new GitSourceAssembler(tools, tmp.resolve("cache"), server.remote());
  }

  @Test
  void aCombinedProjectLikeTheHelloExampleAssemblesToATreeTheRpmBuilderBuilds() throws IOException {
    String commit = server.commit(HELLO, helloExample());
    Path work = tmp.resolve("work");

    AssembledSource source = assembler.assemble(SourceSpec.combined(HELLO, commit), RPM, work);

    Path tree = work.resolve("perestroika-hello");
    assertEquals(new AssembledSource(tree, "perestroika-hello", "1.0", Optional.empty()), source);
    assertEquals(List.of("perestroika-hello", "perestroika-hello.spec"), files(tree));
    for (String file : files(tree)) {
      assertEquals(
          Files.readString(HELLO_EXAMPLE.resolve(file)), Files.readString(tree.resolve(file)));
    }
    assertTrue(Files.isExecutable(tree.resolve("perestroika-hello")));
    assertEquals(List.of("perestroika-hello"), list(work));
    assertTrue(rpmbuildAsTheBuilder(tree, "perestroika-hello.spec").endsWith(".src.rpm"));
  }

  @Test
  void aSplitPairGetsSource0FromTheCodeCommitAsItIsWithTheSameBytesEachTime() throws Exception {
    // Upstream's own spec goes into the tarball, but only the spec project's is built.
    String code = server.commit(CODE, Map.of("greeter.spec", "upstream's own\n"), "code");
    String spec = server.commit(SPEC, "rpm-spec");
    SourceSpec pair = SourceSpec.split(CODE, code, SPEC, spec);

    AssembledSource source = assembler.assemble(pair, RPM, tmp.resolve("one"));
    AssembledSource again = assembler.assemble(pair, RPM, tmp.resolve("two"));
    AssembledSource elsewhere =
        new GitSourceAssembler(tools, tmp.resolve("other-cache"), server.remote())
            .assemble(pair, RPM, tmp.resolve("three"));

    Path tree = tmp.resolve("one/greeter");
    assertEquals(new AssembledSource(tree, "greeter", "1.2.0", Optional.empty()), source);
    assertEquals(List.of("greeter-1.2.0.tar.gz", "greeter.conf", "greeter.spec"), files(tree));
    assertEquals(
        Files.readString(resource("rpm-spec/rpm/SPECS/greeter.spec")),
        Files.readString(tree.resolve("greeter.spec")));
    Path tarball = tree.resolve("greeter-1.2.0.tar.gz");
    List<String> entries = tarEntries(tarball);
    assertEquals(
        Stream.concat(files(resource("code")).stream(), Stream.of("greeter.spec"))
            .map(f -> "greeter-1.2.0/" + f)
            .sorted()
            .toList(),
        entries.stream().filter(e -> !e.endsWith("/")).sorted().toList());
    assertTrue(entries.stream().allMatch(e -> e.startsWith("greeter-1.2.0/")), entries::toString);
    byte[] bytes = Files.readAllBytes(tarball);
    assertArrayEquals(bytes, Files.readAllBytes(again.tree().resolve(tarball.getFileName())));
    assertArrayEquals(bytes, Files.readAllBytes(elsewhere.tree().resolve(tarball.getFileName())));
    // gzip -n: no time stamp in the header (bytes 4 to 7), and no name (no FNAME flag).
    assertArrayEquals(new byte[4], Arrays.copyOfRange(bytes, 4, 8));
    assertEquals(0, bytes[3] & 0x08);
    // %setup finds the sources under <name>-<version>/.
    rpmbuildAsTheBuilder(tree, "greeter.spec");
  }

  @ParameterizedTest
  @ValueSource(strings = {".tgz", ".tar.xz", ".tar.bz2"})
  void aCombinedProjectsTarballLeavesRpmOutAndIsReproducible(String suffix) throws Exception {
    String commit = server.commit(COMBINED, packaging(suffix), "code");
    SourceSpec combined = SourceSpec.combined(COMBINED, commit);

    AssembledSource source = assembler.assemble(combined, RPM, tmp.resolve("one"));
    AssembledSource elsewhere =
        new GitSourceAssembler(tools, tmp.resolve("other-cache"), server.remote())
            .assemble(combined, RPM, tmp.resolve("two"));

    String file = "greeter-1.2.0" + suffix;
    assertEquals(List.of(file, "greeter.conf", "greeter.spec"), files(source.tree()));
    Path tarball = source.tree().resolve(file);
    assertEquals(
        files(resource("code")).stream().map(f -> "greeter-1.2.0/" + f).toList(),
        tarEntries(tarball).stream().filter(e -> !e.endsWith("/")).sorted().toList());
    assertArrayEquals(
        Files.readAllBytes(tarball), Files.readAllBytes(elsewhere.tree().resolve(file)));
  }

  @Test
  void theJenkinsJobsAssembleTheSameTreeAndTarballFromASplitPair() throws IOException {
    Requirements.requirePrograms("bash", "rpmspec");
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, "rpm-spec");

    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, code, SPEC, spec), RPM, tmp.resolve("work"));

    assertSameTree(
        source.tree(),
        jenkins(Map.of("GERRIT_PROJECT", CODE, "SPEC_PROJECT", SPEC, "SPEC_COMMIT", spec), code));
  }

  @Test
  void theJenkinsJobsAssembleTheSameTreeAndTarballFromACombinedProject() throws IOException {
    Requirements.requirePrograms("bash", "rpmspec");
    String commit = server.commit(COMBINED, packaging(".tar.gz"), "code");

    AssembledSource source =
        assembler.assemble(SourceSpec.combined(COMBINED, commit), RPM, tmp.resolve("work"));

    assertSameTree(source.tree(), jenkins(Map.of("GERRIT_PROJECT", COMBINED), commit));
  }

  @Test
  void aProjectWithoutSpecIsRefused() {
    String commit = server.commit(COMBINED, "code");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () -> assembler.assemble(SourceSpec.combined(COMBINED, commit), RPM, tmp.resolve("w")));

    assertTrue(e.getMessage().startsWith(COMBINED + " at " + commit + " holds no .spec file"));
    assertTrue(e.getMessage().endsWith("add its spec"), e::getMessage);
  }

  @Test
  void aSpecProjectWithTwoSpecsIsRefused() {
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, Map.of("greeter-legacy.spec", "Name: old\n"), "rpm-spec");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, code, SPEC, spec), RPM, tmp.resolve("work")));

    assertTrue(
        e.getMessage()
            .startsWith(
                SPEC
                    + " at "
                    + spec
                    + " holds 2 .spec files at its top and in rpm/SPECS/"
                    + " [greeter-legacy.spec, rpm/SPECS/greeter.spec]"),
        e::getMessage);
    assertTrue(e.getMessage().contains("needs exactly one"), e::getMessage);
  }

  @Test
  void aSpecWithoutVersionIsRefused() {
    String code = server.commit(CODE, "code");
    String spec = server.commit(SPEC, Map.of("rpm/SPECS/greeter.spec", "Name: greeter\n"));

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, code, SPEC, spec), RPM, tmp.resolve("work")));

    assertTrue(
        e.getMessage()
            .startsWith(SPEC + " at " + spec + ": rpm/SPECS/greeter.spec has no Version tag"),
        e::getMessage);
  }

  @Test
  void aSpecsShellMacrosAreRefusedAndNeverRun() throws IOException {
    Path ran = tmp.resolve("ran");
    String commit =
        server.commit(
            COMBINED,
            Map.of(
                "greeter.spec",
                "%global stamp %(touch "
                    + ran
                    + "-global)\nName: %(touch "
                    + ran
                    + ")\nVersion: 1.0\nRelease: 1%(touch "
                    + ran
                    + "-release)\nSource0: greeter.tar.gz\n"),
            "code");
    Path work = tmp.resolve("work");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () -> assembler.assemble(SourceSpec.combined(COMBINED, commit), RPM, work));

    assertEquals(
        COMBINED
            + " at "
            + commit
            + ": Name in greeter.spec uses %(touch "
            + ran
            + "), which runs a shell command: the farm reads Name, Version and Source0 without"
            + " running the spec, expanding only the spec's own %define and %global macros of"
            + " plain values, %{name}, %{version}, %{release} and %{?macro}; write a literal value"
            + " or a %global of one",
        e.getMessage());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(
          List.of(), left.filter(p -> p.getFileName().toString().startsWith("ran")).toList());
    }
    assertEquals(List.of(), list(work));
  }

  /** The hello example's files, path to content. */
  private static Map<String, String> helloExample() throws IOException {
    Map<String, String> files = new HashMap<>();
    for (String file : files(HELLO_EXAMPLE)) {
      files.put(file, Files.readString(HELLO_EXAMPLE.resolve(file)));
    }
    return files;
  }

  /** The rpm-spec resource's packaging, with a Source0 of the given suffix. */
  private static Map<String, String> packaging(String suffix) throws IOException {
    Path spec = resource("rpm-spec/rpm/SPECS/greeter.spec");
    return Map.of(
        "rpm/SPECS/greeter.spec",
        Files.readString(spec).replace("%{version}.tar.gz", "%{version}" + suffix),
        "rpm/SOURCES/greeter.conf",
        Files.readString(resource("rpm-spec/rpm/SOURCES/greeter.conf")));
  }

  /** Runs the rpm build job's assembly step; returns the tree it made. */
  private Path jenkins(Map<String, String> parameters, String codeCommit) throws IOException {
    Path job = Files.createDirectories(tmp.resolve("jenkins"));
    Map<String, String> env = new HashMap<>(parameters);
    env.putAll(
        Map.of(
            "GERRIT_URL", server.remote().base().toString(),
            "GERRIT_BRANCH", "master",
            "CODE_COMMIT", codeCommit,
            "FORMAT", "rpm",
            "GIT_CONFIG_GLOBAL", "/dev/null",
            "GIT_CONFIG_NOSYSTEM", "1"));
    tools.check(
        Command.of("bash", JENKINS_SCRIPT.toAbsolutePath().toString())
            .withEnvironment(env)
            .inDirectory(job));
    return job.resolve(Files.readString(job.resolve("src/TREE")).strip());
  }

  private static void assertSameTree(Path ours, Path jenkins) throws IOException {
    assertEquals(ours.getFileName(), jenkins.getFileName());
    assertEquals(files(jenkins), files(ours));
    for (String file : files(ours)) {
      assertArrayEquals(
          Files.readAllBytes(jenkins.resolve(file)), Files.readAllBytes(ours.resolve(file)), file);
    }
  }

  /**
   * Builds the tree as RpmBuilder does in its container: the tree's files in _topdir/SOURCES, then
   * rpmbuild -ba on the spec there; returns the SRPM's name.
   */
  private String rpmbuildAsTheBuilder(Path tree, String spec) throws IOException {
    Requirements.requirePrograms("rpmbuild");
    Path topdir = tmp.resolve("rpmbuild");
    Path sources = Files.createDirectories(topdir.resolve("SOURCES"));
    tools.check(Command.of("cp", "-a", tree + "/.", sources.toString()));
    tools.check(
        Command.of(
            "rpmbuild",
            "-ba",
            "--define",
            "_topdir " + topdir,
            "--define",
            "dist .el7",
            sources.resolve(spec).toString()));
    List<String> srpms = files(topdir.resolve("SRPMS"));
    assertEquals(1, srpms.size(), srpms::toString);
    assertEquals(1, files(topdir.resolve("RPMS")).size());
    return srpms.get(0);
  }

  private List<String> tarEntries(Path tarball) {
    return tools.check(Command.of("tar", "-t", "-f", tarball.toString())).stdout().lines().toList();
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
