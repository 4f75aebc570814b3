package org.perestroika.scheduler.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;

/** Bare repositories in a directory, served by a file: URL as Gerrit serves its projects. */
final class LocalGitServer {
  private final Path root;
  private final Path scratch;
  private final CommandRunner git = new ProcessCommandRunner();
  private int commits;

  LocalGitServer(Path dir) {
    this.root = dir.resolve("server");
    this.scratch = dir.resolve("server-scratch");
  }

  GitRemote remote() {
    return GitRemote.anonymous(root.toUri());
  }

  /** A directory of the test resources, such as {@code code} or {@code spec}. */
  static Path resource(String name) {
    try {
      return Path.of(LocalGitServer.class.getResource("/source/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Commits the resource directories' files (merged in order) as the project's next commit. */
  String commit(String project, String... resources) {
    return commit(project, Map.of(), resources);
  }

  /**
   * Commits the resource directories' files and then {@code files} (path to content) as the
   * project's next commit on master, and returns its id.
   */
  synchronized String commit(String project, Map<String, String> files, String... resources) {
    try {
      Path bare = root.resolve(project);
      if (!Files.isDirectory(bare)) {
        Files.createDirectories(bare);
        run(Map.of(), "git", "init", "--bare", "--quiet", bare.toString());
      }
      int number = ++commits;
      Path content = Files.createDirectories(scratch.resolve("tree-" + number));
      for (String resource : resources) {
        copyTree(resource(resource), content);
      }
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path target = content.resolve(file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue());
      }
      markScriptsExecutable(content);
      // Fixed, distinct dates: the commits, and so the archives, are the same on every run.
      String date = (1_790_000_000L + number * 60L) + " +0000";
      Map<String, String> env = new HashMap<>();
      env.putAll(
          Map.of(
              "GIT_DIR", bare.toString(),
              "GIT_WORK_TREE", content.toString(),
              "GIT_INDEX_FILE", scratch.resolve("index-" + number).toString(),
              "GIT_CONFIG_GLOBAL", "/dev/null",
              "GIT_CONFIG_NOSYSTEM", "1"));
      env.putAll(
          Map.of(
              "GIT_AUTHOR_NAME", "Upstream Author",
              "GIT_AUTHOR_EMAIL", "author@perestroika.invalid",
              "GIT_AUTHOR_DATE", date,
              "GIT_COMMITTER_NAME", "Upstream Author",
              "GIT_COMMITTER_EMAIL", "author@perestroika.invalid",
              "GIT_COMMITTER_DATE", date));
      run(env, "git", "add", "--all", ".");
      String tree = run(env, "git", "write-tree").stdout().strip();
      CommandResult parent =
          git.run(
              command(
                  env, List.of("git", "rev-parse", "--verify", "--quiet", "refs/heads/master")));
      String id =
          parent.succeeded()
              ? run(env, "git", "commit-tree", tree, "-p", parent.stdout().strip(), "-m", project)
                  .stdout()
                  .strip()
              : run(env, "git", "commit-tree", tree, "-m", project).stdout().strip();
      run(env, "git", "update-ref", "refs/heads/master", id);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Points a ref (such as a change's patch set) at a commit. */
  void ref(String project, String ref, String commit) {
    run(
        Map.of("GIT_DIR", root.resolve(project).toString(), "GIT_CONFIG_GLOBAL", "/dev/null"),
        "git",
        "update-ref",
        ref,
        commit);
  }

  private CommandResult run(Map<String, String> env, String... argv) {
    return git.check(command(env, List.of(argv)));
  }

  private static Command command(Map<String, String> env, List<String> argv) {
    Command command = Command.of(argv).withEnvironment(env);
    String workTree = env.get("GIT_WORK_TREE");
    return workTree == null ? command : command.inDirectory(Path.of(workTree));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.writeString(
                to.resolve(from.relativize(file).toString()),
                Files.readString(file, StandardCharsets.UTF_8));
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Resources lose their modes on the classpath; scripts are committed executable. */
  private static void markScriptsExecutable(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        if (Files.readString(file).startsWith("#!")) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
    }
  }
}
