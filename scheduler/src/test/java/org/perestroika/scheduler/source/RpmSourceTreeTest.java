package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.perestroika.core.model.PackageFormat.RPM;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

/** The exact git, tar and compressor command lines of an rpm assembly, which runs no rpmspec. */
class RpmSourceTreeTest {
  private static final String CODE = "acme/openstack/nova";
  private static final String SPEC = "acme/openstack-build/nova";
  private static final String COMBINED = "acme/packages/fuel/centos7/nova";
  private static final String CODE_COMMIT = "1111111111111111111111111111111111111111";
  private static final String SPEC_COMMIT = "2222222222222222222222222222222222222222";
  private static final String TARBALL_URL = "https://tarballs.example.com/nova/";

  @TempDir Path tmp;

  private final Scripted scripted = new Scripted();
  private final RecordingCommandRunner runner = new RecordingCommandRunner(scripted::answer);
  private Path work;
  private Path stage;
  private Path codeMirror;
  private Path specMirror;
  private GitSourceAssembler assembler;

  @BeforeEach
  void assembler() throws IOException {
    Path cache = tmp.resolve("cache");
    work = tmp.resolve("work");
    stage = work.resolve(".rpm-packaging");
    codeMirror = cache.resolve("acme%2Fopenstack%2Fnova.git");
    specMirror = cache.resolve("acme%2Fopenstack-build%2Fnova.git");
    for (String project : List.of(CODE, SPEC, COMBINED)) {
      Path mirror = cache.resolve(project.replace("/", "%2F") + ".git");
      Files.createDirectories(mirror);
      Files.writeString(mirror.resolve("HEAD"), "ref: refs/heads/master\n");
    }
    assembler =
        new GitSourceAssembler(
            runner, cache, GitRemote.anonymous(URI.create("https://review.example.com")));
    scripted.listings.put(specMirror + " " + SPEC_COMMIT, listing("100644 README", "040000 rpm"));
    scripted.listings.put(
        specMirror + " " + SPEC_COMMIT + " rpm/SPECS/ rpm/SOURCES/",
        listing(
            "100644 rpm/SOURCES/nova.conf",
            "100755 rpm/SOURCES/nova-wrapper",
            "120000 rpm/SOURCES/link",
            "040000 rpm/SOURCES/patches",
            "100644 rpm/SPECS/nova.spec"));
    scripted.listings.put(
        codeMirror + " " + CODE_COMMIT, listing("100644 setup.py", "040000 nova"));
    scripted.source0 = TARBALL_URL + "%{name}-%{version}.tar.gz";
  }

  @Test
  void aSplitPairTakesTheSpecAndItsSourcesAndMakesSource0FromTheCode() throws IOException {
    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), RPM, work);

    Path tree = work.resolve("nova");
    Path packagingTar = work.resolve(".rpm-packaging.tar");
    Path tar = work.resolve("nova-2024.1.0.tar");
    assertEquals(new AssembledSource(tree, "nova", "2024.1.0", Optional.empty()), source);
    String spec = "git --git-dir=" + specMirror;
    String code = "git --git-dir=" + codeMirror;
    String archive = " -c tar.umask=0002 archive --format=tar ";
    assertEquals(
        List.of(
            code + " cat-file -e " + CODE_COMMIT + "^{commit}",
            spec + " cat-file -e " + SPEC_COMMIT + "^{commit}",
            spec + " ls-tree -z " + SPEC_COMMIT,
            spec + " ls-tree -z " + SPEC_COMMIT + " rpm/SPECS/ rpm/SOURCES/",
            spec
                + archive
                + "--output="
                + packagingTar
                + " "
                + SPEC_COMMIT
                + " -- :(literal)rpm/SPECS/nova.spec",
            "tar -x -f " + packagingTar + " -C " + stage + " --strip-components=2",
            spec
                + archive
                + "--output="
                + packagingTar
                + " "
                + SPEC_COMMIT
                + " -- :(literal)rpm/SOURCES/nova.conf :(literal)rpm/SOURCES/nova-wrapper",
            "tar -x -f " + packagingTar + " -C " + stage + " --strip-components=2",
            code + " ls-tree -z " + CODE_COMMIT,
            // The code commit as it is.
            code + archive + "--prefix=nova-2024.1.0/ --output=" + tar + " " + CODE_COMMIT,
            "gzip -n -f " + tar),
        runner.commandLines());
    assertEquals(Map.of("GZIP", ""), last().environment());
    assertTrue(Files.isRegularFile(tree.resolve("nova-2024.1.0.tar.gz")));
    assertEquals(List.of("nova"), list(work), "the staging directory and tar files are gone");
  }

  @Test
  void aCombinedProjectTakesTheFilesBesideItsSpecAndLeavesRpmAndSpecsOutOfTheTarball() {
    String prefix = "git --git-dir=" + combinedMirror();
    scripted.listings.put(
        combinedMirror() + " " + CODE_COMMIT,
        listing(
            "100644 nova.spec",
            "100755 run-tests.sh",
            "100644 setup.py",
            "040000 nova",
            "040000 rpm"));
    scripted.listings.put(
        combinedMirror() + " " + CODE_COMMIT + " rpm/SPECS/ rpm/SOURCES/",
        listing("100644 rpm/SOURCES/nova.conf"));

    assembler.assemble(SourceSpec.combined(COMBINED, CODE_COMMIT), RPM, work);

    Path packagingTar = work.resolve(".rpm-packaging.tar");
    Path tar = work.resolve("nova-2024.1.0.tar");
    assertEquals(
        List.of(
            prefix + " cat-file -e " + CODE_COMMIT + "^{commit}",
            prefix + " ls-tree -z " + CODE_COMMIT,
            prefix + " ls-tree -z " + CODE_COMMIT + " rpm/SPECS/ rpm/SOURCES/",
            prefix
                + " -c tar.umask=0002 archive --format=tar --output="
                + packagingTar
                + " "
                + CODE_COMMIT
                + " -- :(literal)nova.spec :(literal)run-tests.sh :(literal)setup.py",
            "tar -x -f " + packagingTar + " -C " + stage,
            prefix
                + " -c tar.umask=0002 archive --format=tar --output="
                + packagingTar
                + " "
                + CODE_COMMIT
                + " -- :(literal)rpm/SOURCES/nova.conf",
            "tar -x -f " + packagingTar + " -C " + stage + " --strip-components=2",
            prefix
                + " -c tar.umask=0002 archive --format=tar --prefix=nova-2024.1.0/ --output="
                + tar
                + " "
                + CODE_COMMIT
                + " -- :(exclude)rpm :(exclude)*.spec",
            "gzip -n -f " + tar),
        runner.commandLines());
  }

  @ParameterizedTest
  @CsvSource({
    "nova-2024.1.0.tar.gz, gzip -n -f, GZIP, .tar.gz",
    "nova-2024.1.0.tgz, gzip -n -f, GZIP, .tar.gz",
    "nova-2024.1.0.tar.xz, xz -6 -T1 -f, XZ_DEFAULTS XZ_OPT, .tar.xz",
    "nova-2024.1.0.tar.bz2, bzip2 -9 -f, BZIP2 BZIP, .tar.bz2"
  })
  void eachTarballIsCompressedWithItsOptionsPinned(
      String file, String compressor, String clearedVariables, String written) throws IOException {
    scripted.source0 = file;

    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), RPM, work);

    Path tar = work.resolve("nova-2024.1.0.tar");
    assertEquals(compressor + " " + tar, last().display());
    assertEquals(
        Stream.of(clearedVariables.split(" ")).collect(Collectors.toMap(v -> v, v -> "")),
        last().environment());
    assertEquals(List.of("nova-2024.1.0" + written), scripted.compressed);
    assertEquals(List.of(file, "nova-wrapper", "nova.conf", "nova.spec"), list(source.tree()));
    assertEquals(List.of("nova"), list(work));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"nova.conf", TARBALL_URL + "nova-wrapper"})
  void aSource0InThePackagingOrNoneIsNotMade(String source0) {
    scripted.source0 = source0;

    AssembledSource source = assembleSplit();

    assertEquals(
        "tar -x -f "
            + work.resolve(".rpm-packaging.tar")
            + " -C "
            + stage
            + " --strip-components=2",
        last().display());
    assertEquals(List.of("nova-wrapper", "nova.conf", "nova.spec"), list(source.tree()));
  }

  @Test
  void noSpecIsRefusedBeforeAnythingIsWritten() {
    scripted.listings.put(
        specMirror + " " + SPEC_COMMIT + " rpm/SPECS/ rpm/SOURCES/",
        listing("100644 rpm/SOURCES/nova.conf", "120000 rpm/SPECS/nova.spec"));

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertEquals(
        SPEC
            + " at "
            + SPEC_COMMIT
            + " holds no .spec file at its top or in rpm/SPECS/: an rpm package needs exactly"
            + " one there, add its spec",
        e.getMessage());
    assertFalse(Files.exists(work));
  }

  @Test
  void twoSpecsAreRefusedByName() {
    scripted.listings.put(specMirror + " " + SPEC_COMMIT, listing("100644 nova-old.spec"));

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertEquals(
        SPEC
            + " at "
            + SPEC_COMMIT
            + " holds 2 .spec files at its top and in rpm/SPECS/ [nova-old.spec,"
            + " rpm/SPECS/nova.spec]: an rpm package needs exactly one there, keep the package's"
            + " and remove the others",
        e.getMessage());
    assertTrue(runner.commandLines().stream().noneMatch(l -> l.contains(" archive ")));
  }

  @Test
  void aSource0NeitherPackagedNorATarballIsRefused() throws IOException {
    scripted.source0 = TARBALL_URL + "nova-2024.1.0.zip";

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertTrue(e.getMessage().startsWith(SPEC + " at " + SPEC_COMMIT + ": Source0"), e::getMessage);
    assertTrue(
        e.getMessage().contains("'nova-2024.1.0.zip' is neither in the packaging"), e::getMessage);
    assertTrue(e.getMessage().endsWith("add the file to the packaging or name a tarball"));
    assertEquals(List.of(), list(work), "nothing is left");
  }

  @Test
  void aSpecWithoutVersionIsRefused() throws IOException {
    scripted.version = null;

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertEquals(
        SPEC
            + " at "
            + SPEC_COMMIT
            + ": rpm/SPECS/nova.spec has no Version tag in its preamble: give the spec a Name and"
            + " a Version of letters, digits and . _ + (and ~ ^ in the version)",
        e.getMessage());
    assertEquals(List.of(), list(work), "the staged packaging is removed");
  }

  @Test
  void aShellMacroInTheNameIsRefusedAndNothingRunsAfterTheUnpacking() {
    scripted.name = "%(id)";

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertTrue(
        e.getMessage()
            .startsWith(
                SPEC
                    + " at "
                    + SPEC_COMMIT
                    + ": Name in rpm/SPECS/nova.spec uses %(id), which runs a shell command: the"
                    + " farm reads Name, Version and Source0 without running the spec"),
        e::getMessage);
    assertEquals(
        "tar -x -f "
            + work.resolve(".rpm-packaging.tar")
            + " -C "
            + stage
            + " --strip-components=2",
        last().display());
    assertEquals(List.of(), list(work));
  }

  @Test
  void aNameThatIsNoPlainWordIsRefused() {
    scripted.name = "../nova";

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertTrue(e.getMessage().contains("name and version '../nova 2024.1.0'"), e::getMessage);
    assertEquals(List.of(), list(work));
  }

  @Test
  void anEmptyCodeTreeCannotMakeSource0() {
    scripted.listings.put(codeMirror + " " + CODE_COMMIT, "");

    InvalidSourceException e = assertThrows(InvalidSourceException.class, this::assembleSplit);

    assertTrue(e.getMessage().startsWith(CODE + " at " + CODE_COMMIT), e::getMessage);
    assertTrue(e.getMessage().contains("the code tree is empty: there is nothing"), e::getMessage);
  }

  @Test
  void anExistingTreeIsNotOverwritten() throws IOException {
    Files.createDirectories(work.resolve("nova"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::assembleSplit);

    assertTrue(e.getMessage().contains("exists already"), e::getMessage);
    assertEquals(List.of("nova"), list(work));
  }

  private AssembledSource assembleSplit() {
    return assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), RPM, work);
  }

  private Path combinedMirror() {
    return tmp.resolve("cache").resolve("acme%2Fpackages%2Ffuel%2Fcentos7%2Fnova.git");
  }

  private Command last() {
    List<Command> commands = runner.commands();
    return commands.get(commands.size() - 1);
  }

  /** git ls-tree -z output of "mode path" entries. */
  private static String listing(String... entries) {
    StringBuilder out = new StringBuilder();
    for (String entry : entries) {
      String mode = entry.substring(0, entry.indexOf(' '));
      String type = mode.equals("040000") ? "tree" : "blob";
      out.append(mode)
          .append(' ')
          .append(type)
          .append(" 0123456789abcdef0123456789abcdef01234567\t")
          .append(entry.substring(entry.indexOf(' ') + 1))
          .append('\0');
    }
    return out.toString();
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Answers as the mirrors, tar and the compressors would; every other tool succeeds. tar writes
   * the files that the git archive before it took, a spec of the fields below and empty others.
   */
  private static final class Scripted {
    private static final CommandResult OK = new CommandResult(0, "", "");

    final Map<String, String> listings = new HashMap<>();
    final List<String> compressed = new ArrayList<>();
    String name = "nova";
    String version = "2024.1.0";
    String source0;
    private List<String> archived = List.of();

    synchronized CommandResult answer(Command command) {
      List<String> argv = command.argv();
      String last = argv.get(argv.size() - 1);
      switch (argv.get(0)) {
        case "git":
          int lsTree = argv.indexOf("ls-tree");
          if (argv.contains("archive")) {
            int paths = argv.indexOf("--");
            archived = paths < 0 ? List.of() : argv.subList(paths + 1, argv.size());
          }
          if (lsTree < 0) {
            return OK;
          }
          String mirror = argv.get(1).substring("--git-dir=".length());
          String key = mirror + " " + String.join(" ", argv.subList(lsTree + 2, argv.size()));
          return new CommandResult(0, listings.getOrDefault(key, ""), "");
        case "tar":
          Path dir = Path.of(argv.get(argv.indexOf("-C") + 1));
          for (String path : archived) {
            String file = path.substring(Math.max(path.lastIndexOf('/'), path.indexOf(')')) + 1);
            write(dir.resolve(file), file.endsWith(".spec") ? spec() : "");
          }
          return OK;
        case "gzip", "xz", "bzip2":
          // What the next step moves into the tree.
          String extension = Map.of("gzip", ".gz", "xz", ".xz", "bzip2", ".bz2").get(argv.get(0));
          Path output = Path.of(last + extension);
          compressed.add(output.getFileName().toString());
          write(output, "");
          return OK;
        default:
          return OK;
      }
    }

    /** A spec as the packaging would hold it. */
    private String spec() {
      return "Name:           "
          + name
          + "\n"
          + (version == null ? "" : "Version:        " + version + "\n")
          + "Release:        1%{?dist}~mos1\n"
          + (source0 == null ? "" : "Source0:        " + source0 + "\n")
          + "Source1:        nova.conf\n\n%description\nNova.\n";
    }

    private static void write(Path file, String content) {
      try {
        Files.writeString(file, content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
