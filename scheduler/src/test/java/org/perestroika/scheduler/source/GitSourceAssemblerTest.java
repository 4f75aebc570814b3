package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.perestroika.core.model.PackageFormat.DEB;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

/** The exact git, tar and gzip command lines, against a scripted git. */
class GitSourceAssemblerTest {
  private static final String CODE = "acme/openstack/nova";
  private static final String SPEC = "acme/openstack-build/nova";
  private static final String CODE_COMMIT = "1111111111111111111111111111111111111111";
  private static final String SPEC_COMMIT = "2222222222222222222222222222222222222222";
  private static final String USER = "perestroika-builder";
  private static final String PASSWORD = "pa$$ 'word\\n";
  private static final GitRemote REMOTE =
      GitRemote.authenticated(URI.create("https://review.example.com/"), USER, PASSWORD);
  private static final String CHANGELOG =
      "nova (2024.1.0-1~deb12+mos1) mos10.0; urgency=medium\n\n  * Build.\n\n"
          + " -- Builder <b@example.com>  Sat, 21 Nov 2026 12:00:00 +0000\n";
  private static final String HELPER =
      "credential.helper=!f() { test \"$1\" = get || exit 0;"
          + " printf 'username=%s\\npassword=%s\\n'"
          + " \"$PERESTROIKA_GIT_USERNAME\" \"$PERESTROIKA_GIT_PASSWORD\"; }; f";

  @TempDir Path tmp;

  private final ScriptedGit git = new ScriptedGit();
  private final RecordingCommandRunner runner = new RecordingCommandRunner(git::answer);
  private Path cache;
  private Path work;
  private Path codeMirror;
  private Path specMirror;
  private GitSourceAssembler assembler;

  @BeforeEach
  void assembler() {
    cache = tmp.resolve("cache");
    work = tmp.resolve("work");
    codeMirror = cache.resolve("acme%2Fopenstack%2Fnova.git");
    specMirror = cache.resolve("acme%2Fopenstack-build%2Fnova.git");
    assembler = new GitSourceAssembler(runner, cache, REMOTE);
    git.serverCommits.addAll(List.of(CODE_COMMIT, SPEC_COMMIT));
    git.blobs.put(SPEC_COMMIT + ":debian/changelog", CHANGELOG);
    git.blobs.put(SPEC_COMMIT + ":debian/source/format", "3.0 (quilt)\n");
    git.trees.put(CODE_COMMIT, "nova\0setup.py\0debian\0");
  }

  @Test
  void aSplitPairIsFetchedIntoMirrorsAndExportedWithTheOrigFromTheCode() {
    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work);

    Path tree = work.resolve("nova-2024.1.0");
    Path tar = work.resolve("nova_2024.1.0.orig.tar");
    Path export = work.resolve(".nova-2024.1.0.export.tar");
    assertEquals(
        new AssembledSource(
            tree,
            "nova",
            "2024.1.0-1~deb12+mos1",
            Optional.of(work.resolve("nova_2024.1.0.orig.tar.gz"))),
        source);
    List<String> expected = new ArrayList<>();
    expected.addAll(fetchedOnFirstUse(codeMirror, CODE, CODE_COMMIT));
    expected.addAll(fetchedOnFirstUse(specMirror, SPEC, SPEC_COMMIT));
    expected.addAll(
        List.of(
            "git --git-dir=" + specMirror + " cat-file blob " + SPEC_COMMIT + ":debian/changelog",
            "git --git-dir="
                + specMirror
                + " cat-file blob "
                + SPEC_COMMIT
                + ":debian/source/format",
            "git --git-dir=" + codeMirror + " ls-tree --name-only -z " + CODE_COMMIT,
            "git --git-dir="
                + codeMirror
                + " -c tar.umask=0002 archive --format=tar --prefix=nova-2024.1.0/ --output="
                + tar
                + " "
                + CODE_COMMIT,
            "tar -x -f " + tar + " -C " + work,
            "gzip -n -f " + tar,
            "git --git-dir="
                + specMirror
                + " -c tar.umask=0002 archive --format=tar --prefix=nova-2024.1.0/ --output="
                + export
                + " "
                + SPEC_COMMIT
                + " -- debian",
            "tar -x -f " + export + " -C " + work));
    assertEquals(expected, runner.commandLines());
  }

  @Test
  void credentialsTravelOnlyInTheFetchesEnvironment() {
    assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work);

    List<Command> commands = runner.commands();
    for (Command command : commands) {
      for (String arg : command.argv()) {
        assertFalse(arg.contains(PASSWORD), () -> "the password is in " + command.display());
        assertFalse(arg.contains(USER), () -> "the user is in " + command.display());
      }
      boolean fetch = command.argv().contains("fetch");
      assertEquals(
          fetch ? Optional.of(PASSWORD) : Optional.empty(),
          Optional.ofNullable(command.environment().get("PERESTROIKA_GIT_PASSWORD")),
          command::display);
      assertEquals(
          fetch ? Optional.of(USER) : Optional.empty(),
          Optional.ofNullable(command.environment().get("PERESTROIKA_GIT_USERNAME")),
          command::display);
    }
    // Every git command runs without the host's configuration.
    commands.stream()
        .filter(c -> c.argv().get(0).equals("git"))
        .forEach(
            c -> {
              assertEquals("/dev/null", c.environment().get("GIT_CONFIG_GLOBAL"), c::display);
              assertEquals("1", c.environment().get("GIT_CONFIG_NOSYSTEM"), c::display);
              assertEquals("0", c.environment().get("GIT_TERMINAL_PROMPT"), c::display);
            });
    assertFalse(REMOTE.toString().contains(PASSWORD), REMOTE::toString);
  }

  @Test
  void anAnonymousRemoteFetchesWithoutHelperOrCredentials() {
    GitRemote anonymous = GitRemote.anonymous(URI.create("https://review.example.com"));
    git.blobs.put(CODE_COMMIT + ":debian/changelog", CHANGELOG);

    new GitSourceAssembler(runner, cache, anonymous)
        .assemble(SourceSpec.combined(CODE, CODE_COMMIT), DEB, work);

    Command fetch = runner.commands().get(2);
    assertEquals(
        List.of(
            "git",
            "--git-dir=" + codeMirror,
            "-c",
            "credential.helper=",
            "-c",
            "gc.autoDetach=false",
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "https://review.example.com/" + CODE,
            CODE_COMMIT + ":refs/perestroika/" + CODE_COMMIT),
        fetch.argv());
    assertFalse(fetch.environment().containsKey("PERESTROIKA_GIT_PASSWORD"));
  }

  @Test
  void aCombinedQuiltProjectLeavesDebianOutOfTheOrigAndExportsItApart() throws IOException {
    git.blobs.put(CODE_COMMIT + ":debian/changelog", CHANGELOG);
    mirrorHolds(codeMirror, CODE_COMMIT);

    assembler.assemble(SourceSpec.combined(CODE, CODE_COMMIT), DEB, work);

    Path tar = work.resolve("nova_2024.1.0.orig.tar");
    Path export = work.resolve(".nova-2024.1.0.export.tar");
    assertEquals(
        List.of(
            "git --git-dir=" + codeMirror + " cat-file -e " + CODE_COMMIT + "^{commit}",
            "git --git-dir=" + codeMirror + " cat-file blob " + CODE_COMMIT + ":debian/changelog",
            "git --git-dir="
                + codeMirror
                + " cat-file blob "
                + CODE_COMMIT
                + ":debian/source/format",
            "git --git-dir=" + codeMirror + " ls-tree --name-only -z " + CODE_COMMIT,
            "git --git-dir="
                + codeMirror
                + " -c tar.umask=0002 archive --format=tar --prefix=nova-2024.1.0/ --output="
                + tar
                + " "
                + CODE_COMMIT
                + " -- :(exclude)debian",
            "tar -x -f " + tar + " -C " + work,
            "gzip -n -f " + tar,
            "git --git-dir="
                + codeMirror
                + " -c tar.umask=0002 archive --format=tar --prefix=nova-2024.1.0/ --output="
                + export
                + " "
                + CODE_COMMIT
                + " -- debian",
            "tar -x -f " + export + " -C " + work),
        runner.commandLines());
  }

  @Test
  void aNativeProjectIsExportedWholeWithoutOrig() throws IOException {
    git.blobs.put(
        CODE_COMMIT + ":debian/changelog", CHANGELOG.replace("2024.1.0-1~deb12+mos1", "3.1"));
    git.trees.put(CODE_COMMIT, "debian\0");
    mirrorHolds(codeMirror, CODE_COMMIT);

    AssembledSource source = assembler.assemble(SourceSpec.combined(CODE, CODE_COMMIT), DEB, work);

    Path export = work.resolve(".nova-3.1.export.tar");
    assertEquals(Optional.empty(), source.origTarball());
    assertEquals(work.resolve("nova-3.1"), source.tree());
    assertEquals(
        List.of(
            "git --git-dir="
                + codeMirror
                + " -c tar.umask=0002 archive --format=tar --prefix=nova-3.1/ --output="
                + export
                + " "
                + CODE_COMMIT,
            "tar -x -f " + export + " -C " + work),
        lastCommands(2));
  }

  @Test
  void aMirroredCommitIsNotFetchedAgain() throws IOException {
    mirrorHolds(codeMirror, CODE_COMMIT);
    mirrorHolds(specMirror, SPEC_COMMIT);

    assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work);

    assertTrue(runner.commandLines().stream().noneMatch(l -> l.contains(" fetch ")));
    assertTrue(runner.commandLines().stream().noneMatch(l -> l.contains(" init ")));
  }

  @Test
  void aCommitNotGivenByIdIsFetchedThroughTheRefAndPinned() {
    String ref = "refs/changes/34/1234/2";
    git.serverCommits.remove(CODE_COMMIT);
    git.serverRefs.put(ref, CODE_COMMIT);

    assembler.assemble(
        SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT).withCodeRef(ref), DEB, work);

    String url = "https://review.example.com/a/" + CODE;
    String prefix = "git --git-dir=" + codeMirror;
    String fetch = prefix + " -c credential.helper= -c " + HELPER + " -c gc.autoDetach=false fetch";
    assertEquals(
        List.of(
            "git init --bare --quiet " + codeMirror,
            prefix + " cat-file -e " + CODE_COMMIT + "^{commit}",
            fetch
                + " --quiet --no-tags --no-write-fetch-head "
                + url
                + " "
                + CODE_COMMIT
                + ":refs/perestroika/"
                + CODE_COMMIT,
            fetch
                + " --quiet --no-tags --no-write-fetch-head "
                + url
                + " +"
                + ref
                + ":refs/perestroika-incoming",
            prefix + " cat-file -e " + CODE_COMMIT + "^{commit}",
            prefix + " update-ref refs/perestroika/" + CODE_COMMIT + " " + CODE_COMMIT,
            prefix + " update-ref -d refs/perestroika-incoming"),
        runner.commandLines().subList(0, 7));
  }

  @Test
  void aCommitMissingOnTheServerNamesProjectAndCommit() {
    git.serverCommits.remove(CODE_COMMIT);

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () -> assembler.assemble(SourceSpec.combined(CODE, CODE_COMMIT), DEB, work));

    assertTrue(
        e.getMessage()
            .startsWith(
                CODE
                    + ": commit "
                    + CODE_COMMIT
                    + " does not exist on https://review.example.com/a/"
                    + CODE),
        e::getMessage);
  }

  @Test
  void aRefThatDoesNotHoldTheCommitIsAnInvalidSourceAndIsCleanedUp() {
    String ref = "refs/changes/34/1234/1";
    git.serverCommits.remove(CODE_COMMIT);
    git.serverRefs.put(ref, "3333333333333333333333333333333333333333");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.combined(CODE, CODE_COMMIT).withCodeRef(ref), DEB, work));

    assertTrue(e.getMessage().contains(ref), e::getMessage);
    assertTrue(e.getMessage().contains("does not hold commit " + CODE_COMMIT), e::getMessage);
    assertEquals(
        "git --git-dir=" + codeMirror + " update-ref -d refs/perestroika-incoming",
        lastCommands(1).get(0));
  }

  @Test
  void refusedCredentialsAreAnEnvironmentProblemThatRetryingWillNotFix() {
    git.fetchFailure =
        "fatal: Authentication failed for 'https://review.example.com/a/" + CODE + "/'";

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> assembler.assemble(SourceSpec.combined(CODE, CODE_COMMIT), DEB, work));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("check the Gerrit user and its HTTP password"));
    assertFalse(e.getMessage().contains(PASSWORD));
  }

  @Test
  void anUnreachableServerIsARetryableEnvironmentProblem() {
    git.fetchFailure =
        "fatal: unable to access 'https://review.example.com/a/"
            + CODE
            + "/': Could not resolve host: review.example.com";

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> assembler.assemble(SourceSpec.combined(CODE, CODE_COMMIT), DEB, work));

    assertTrue(e.retryable());
    assertTrue(e.getMessage().startsWith(CODE + ": commit " + CODE_COMMIT), e::getMessage);
  }

  @Test
  void aQuiltFormatWithoutRevisionIsAnInvalidSource() {
    git.blobs.put(
        SPEC_COMMIT + ":debian/changelog", CHANGELOG.replace("2024.1.0-1~deb12+mos1", "2024.1.0"));

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work));

    assertTrue(e.getMessage().startsWith(SPEC + " at " + SPEC_COMMIT), e::getMessage);
    assertTrue(e.getMessage().contains("needs a version with a Debian revision"), e::getMessage);
  }

  @Test
  void withoutFormatFileARevisionMeansAnOrig() {
    git.blobs.remove(SPEC_COMMIT + ":debian/source/format");

    AssembledSource source =
        assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work);

    assertEquals(Optional.of(work.resolve("nova_2024.1.0.orig.tar.gz")), source.origTarball());
  }

  @Test
  void anUnsupportedFormatIsAnInvalidSource() {
    git.blobs.put(SPEC_COMMIT + ":debian/source/format", "3.0 (git)\n");

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work));

    assertTrue(e.getMessage().contains("'3.0 (git)' cannot be assembled"), e::getMessage);
  }

  @Test
  void anExistingTreeIsNotOverwritten() throws IOException {
    Files.createDirectories(work.resolve("nova-2024.1.0"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                assembler.assemble(
                    SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work));

    assertTrue(e.getMessage().contains("exists already"), e::getMessage);
    assertTrue(runner.commandLines().stream().noneMatch(l -> l.contains(" archive ")));
  }

  @Test
  void mirrorsDisableExportSubstitution() throws IOException {
    assembler.assemble(SourceSpec.split(CODE, CODE_COMMIT, SPEC, SPEC_COMMIT), DEB, work);

    assertEquals("* -export-subst\n", Files.readString(codeMirror.resolve("info/attributes")));
    assertEquals("* -export-subst\n", Files.readString(specMirror.resolve("info/attributes")));
  }

  private List<String> fetchedOnFirstUse(Path mirror, String project, String commit) {
    String prefix = "git --git-dir=" + mirror;
    return List.of(
        "git init --bare --quiet " + mirror,
        prefix + " cat-file -e " + commit + "^{commit}",
        prefix
            + " -c credential.helper= -c "
            + HELPER
            + " -c gc.autoDetach=false fetch --quiet --no-tags --no-write-fetch-head"
            + " https://review.example.com/a/"
            + project
            + " "
            + commit
            + ":refs/perestroika/"
            + commit,
        prefix + " cat-file -e " + commit + "^{commit}");
  }

  /** Makes the mirror look initialised and holding the commit. */
  private void mirrorHolds(Path mirror, String commit) throws IOException {
    Files.createDirectories(mirror);
    Files.writeString(mirror.resolve("HEAD"), "ref: refs/heads/master\n");
    git.mirrored.add(mirror + " " + commit);
  }

  private List<String> lastCommands(int count) {
    List<String> lines = runner.commandLines();
    return lines.subList(lines.size() - count, lines.size());
  }

  /** Answers git as a server and its mirrors would; every other tool succeeds silently. */
  private static final class ScriptedGit {
    private static final CommandResult OK = new CommandResult(0, "", "");

    final Set<String> serverCommits = new HashSet<>();
    final Map<String, String> serverRefs = new HashMap<>();
    final Set<String> mirrored = new HashSet<>();
    final Map<String, String> blobs = new HashMap<>();
    final Map<String, String> trees = new HashMap<>();
    String fetchFailure;

    synchronized CommandResult answer(Command command) {
      List<String> argv = command.argv();
      if (!argv.get(0).equals("git") || argv.get(1).equals("init")) {
        return OK;
      }
      String mirror = argv.get(1).substring("--git-dir=".length());
      String last = argv.get(argv.size() - 1);
      if (argv.contains("fetch")) {
        if (fetchFailure != null) {
          return new CommandResult(128, "", fetchFailure);
        }
        String source = last.substring(last.startsWith("+") ? 1 : 0, last.indexOf(':'));
        String commit = source.startsWith("refs/") ? serverRefs.get(source) : source;
        if (commit == null || !(source.startsWith("refs/") || serverCommits.contains(commit))) {
          return new CommandResult(
              128, "", "fatal: remote error: upload-pack: not our ref " + source);
        }
        mirrored.add(mirror + " " + commit);
        return OK;
      }
      if (argv.contains("-e")) {
        String commit = last.substring(0, last.indexOf('^'));
        return mirrored.contains(mirror + " " + commit) ? OK : new CommandResult(1, "", "");
      }
      if (argv.contains("blob")) {
        String content = blobs.get(last);
        return content == null
            ? new CommandResult(128, "", "fatal: path does not exist")
            : new CommandResult(0, content, "");
      }
      if (argv.contains("ls-tree")) {
        return new CommandResult(0, trees.getOrDefault(last, ""), "");
      }
      return OK;
    }
  }
}
