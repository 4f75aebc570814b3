package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.RecordingCommandRunner;
import org.perestroika.testing.Requirements;

class WorkTreeCommitsTest {
  private static final String HEAD = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  private static final String SPEC = "8bf699819c9d30e2d34e14e76917f94daea4c67f";

  @TempDir Path dir;

  @Test
  void aCleanTreeNamesItsHeadAsBothCommits() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("hello"));
    RecordingCommandRunner git =
        new RecordingCommandRunner(
            command ->
                new CommandResult(0, command.argv().contains("rev-parse") ? HEAD + "\n" : "", ""));

    assertEquals(
        Optional.of(SourceCommits.same(HEAD)), WorkTreeCommits.resolve(git, tree, null, null));
    assertEquals(
        List.of(
            "git -C " + tree + " rev-parse --verify HEAD",
            "git -C " + tree + " status --porcelain --untracked-files=all --ignored=matching -- ."),
        git.commandLines());
  }

  @Test
  void givenCommitsWinAndAreChecked() {
    RecordingCommandRunner git = new RecordingCommandRunner();
    assertEquals(
        Optional.of(new SourceCommits(HEAD, SPEC)),
        WorkTreeCommits.resolve(git, dir, HEAD.toUpperCase(), SPEC));
    assertEquals(List.of(), git.commands());

    IllegalArgumentException one =
        assertThrows(
            IllegalArgumentException.class, () -> WorkTreeCommits.resolve(git, dir, HEAD, null));
    assertTrue(one.getMessage().startsWith("give both --source-commit and --build-commit"));
    IllegalArgumentException shortId =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorkTreeCommits.resolve(git, dir, "17f8fb6d", SPEC));
    assertTrue(shortId.getMessage().contains("is not a full commit id"), shortId.getMessage());
  }

  @Test
  void aDscIsBuiltAsItIsAndATreeOutsideGitNeedsTheCommitsGiven() throws IOException {
    Path dsc = Files.writeString(dir.resolve("hello_1.0-1.dsc"), "Source: hello\n");
    assertEquals(
        Optional.empty(), WorkTreeCommits.resolve(new RecordingCommandRunner(), dsc, null, null));

    CommandRunner noGit = command -> new CommandResult(128, "", "fatal: not a git repository");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WorkTreeCommits.resolve(noGit, dir, null, null));
    assertTrue(
        e.getMessage()
            .contains("is not in a git work tree (git says: fatal: not a git repository)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("pass --source-commit SHA --build-commit SHA"));
  }

  @Test
  void aTreeWithChangesHeadDoesNotHaveIsRefusedNamingThem() throws IOException {
    Requirements.requirePrograms("git");
    ProcessCommandRunner runner = new ProcessCommandRunner();
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Path tree = Files.createDirectories(repo.resolve("examples/hello/debian"));
    Files.writeString(tree.resolve("changelog"), "hello (1.0) unstable; urgency=low\n");
    Files.writeString(repo.resolve("elsewhere"), "outside the tree\n");
    git(runner, repo, "init", "-q");
    git(runner, repo, "add", ".");
    git(runner, repo, "-c", "user.name=T", "-c", "user.email=t@x.invalid", "commit", "-qm", "a");
    String head = git(runner, repo, "rev-parse", "HEAD").strip();
    Path hello = tree.getParent();

    Files.writeString(repo.resolve("elsewhere"), "changed outside the tree\n");
    assertEquals(
        Optional.of(SourceCommits.same(head)), WorkTreeCommits.resolve(runner, hello, null, null));

    Files.writeString(tree.resolve("rules"), "untracked\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> WorkTreeCommits.resolve(runner, hello, null, null));
    assertTrue(e.getMessage().contains("differs from its git HEAD"), e.getMessage());
    assertTrue(e.getMessage().contains("?? examples/hello/debian/rules"), e.getMessage());
    assertTrue(e.getMessage().contains("commit (or remove) those changes"), e.getMessage());
  }

  private static String git(CommandRunner runner, Path repo, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    argv.addAll(List.of(args));
    return runner.check(Command.of(argv)).stdout();
  }
}
