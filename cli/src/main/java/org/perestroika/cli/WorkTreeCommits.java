package org.perestroika.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * The commits {@code perestroika build} names in the changelog: those given on the command line, or
 * else HEAD of the git work tree the source tree lies in.
 *
 * <p>A tree with changes that HEAD does not have (modified, untracked or ignored files under it) is
 * refused rather than warned about: the lines promise that the package is that commit, and the
 * staged copy would carry those changes into the source package. Naming the commits by hand stays
 * possible for a tree outside git.
 */
final class WorkTreeCommits {
  private WorkTreeCommits() {}

  /**
   * @param source the .dsc or tree being built
   * @param sourceCommit the --source-commit value, or null
   * @param buildCommit the --build-commit value, or null
   * @return empty for a .dsc without commits given (it is built as it is)
   * @throws IllegalArgumentException naming what to pass or fix
   */
  static Optional<SourceCommits> resolve(
      CommandRunner runner, Path source, String sourceCommit, String buildCommit) {
    if (sourceCommit != null || buildCommit != null) {
      if (sourceCommit == null || buildCommit == null) {
        throw new IllegalArgumentException(
            "give both --source-commit and --build-commit (the same commit twice when code and"
                + " debian/ share one repository)");
      }
      return Optional.of(new SourceCommits(sourceCommit, buildCommit));
    }
    if (!Files.isDirectory(source)) {
      return Optional.empty();
    }
    String tree = source.toAbsolutePath().normalize().toString();
    CommandResult head = git(runner, tree, "rev-parse", "--verify", "HEAD");
    if (!head.succeeded()) {
      throw new IllegalArgumentException(
          source
              + " is not in a git work tree (git says: "
              + head.stderr().strip()
              + "), so the commits it is built from are unknown: pass --source-commit SHA"
              + " --build-commit SHA, which the build writes into the changelog");
    }
    CommandResult changes =
        git(
            runner,
            tree,
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--ignored=matching",
            "--",
            ".");
    String status = changes.succeeded() ? changes.stdout() : changes.stderr();
    if (!status.isBlank()) {
      throw new IllegalArgumentException(
          source
              + " differs from its git HEAD, which the changelog would name as the commit it was"
              + " built from:\n"
              + status.stripTrailing()
              + "\ncommit (or remove) those changes, or pass --source-commit and --build-commit"
              + " yourself");
    }
    return Optional.of(SourceCommits.same(head.stdout().strip()));
  }

  /** What a git command left; a git that cannot be started fails like one that found no tree. */
  private static CommandResult git(CommandRunner runner, String dir, String... args) {
    String[] argv = new String[args.length + 3];
    argv[0] = "git";
    argv[1] = "-C";
    argv[2] = dir;
    System.arraycopy(args, 0, argv, 3, args.length);
    try {
      return runner.run(Command.of(argv));
    } catch (CommandFailedException e) {
      return new CommandResult(127, "", e.getMessage());
    }
  }
}
