package org.perestroika.scheduler.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bare mirror per Gerrit project under a cache directory, holding every commit fetched into it
 * under {@code refs/perestroika/<commit>}.
 */
final class GitMirrors {
  private static final Logger log = LoggerFactory.getLogger(GitMirrors.class);

  static final String USER_VARIABLE = "PERESTROIKA_GIT_USERNAME";
  static final String PASSWORD_VARIABLE = "PERESTROIKA_GIT_PASSWORD";

  /**
   * Answers git's credential requests from the environment, so that only the variables' names reach
   * the command line. printf, not echo, because dash's echo would expand backslashes.
   */
  static final String CREDENTIAL_HELPER =
      "!f() { test \"$1\" = get || exit 0;"
          + " printf 'username=%s\\npassword=%s\\n' \"$"
          + USER_VARIABLE
          + "\" \"$"
          + PASSWORD_VARIABLE
          + "\"; }; f";

  /**
   * Every git command runs without the host's system and user configuration: settings such as
   * core.autocrlf or tar.umask there would change what git archive writes. It never prompts, and
   * speaks English so that fetch failures can be told apart.
   */
  static final Map<String, String> GIT_ENVIRONMENT =
      Map.of(
          "GIT_CONFIG_NOSYSTEM", "1",
          "GIT_CONFIG_GLOBAL", "/dev/null",
          "GIT_TERMINAL_PROMPT", "0",
          "LC_ALL", "C");

  /**
   * Highest-priority attributes of every mirror: export-subst placeholders such as %d expand to the
   * mirror's own ref names, which would make archives differ between mirrors.
   */
  static final String ATTRIBUTES = "* -export-subst\n";

  static final String PIN_PREFIX = "refs/perestroika/";
  static final String INCOMING = "refs/perestroika-incoming";

  /**
   * File locks belong to the process, and a second lock on the same file from this JVM throws
   * rather than waits, so this JVM's assemblers share one in-process lock per mirror as well.
   */
  private static final Map<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

  private final CommandRunner runner;
  private final Path cacheDir;
  private final GitRemote remote;

  GitMirrors(CommandRunner runner, Path cacheDir, GitRemote remote) {
    this.runner = runner;
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.remote = remote;
  }

  /** The bare mirror of a project, flat under the cache ('%' cannot occur in project names). */
  Path mirror(String project) {
    return cacheDir.resolve(project.replace("/", "%2F") + ".git");
  }

  /**
   * Makes sure the project's mirror holds the commit, fetching it by id, or through {@code ref}
   * when the server will not give it by id, and returns the mirror.
   */
  Path ensure(String project, String commit, Optional<String> ref) {
    Path mirror = mirror(project);
    return underLock(
        mirror,
        () -> {
          if (!Files.isRegularFile(mirror.resolve("HEAD"))) {
            runner.check(
                Command.of("git", "init", "--bare", "--quiet", mirror.toString())
                    .withEnvironment(GIT_ENVIRONMENT));
          }
          pinAttributes(mirror);
          if (hasCommit(mirror, commit)) {
            return mirror;
          }
          String url = remote.projectUrl(project);
          log.info("fetching {} {} from {}", project, commit, url);
          CommandResult byId = runner.run(fetch(mirror, url, commit + ":" + PIN_PREFIX + commit));
          if (byId.succeeded()) {
            if (hasCommit(mirror, commit)) {
              return mirror;
            }
            throw new InvalidSourceException(
                project + ": " + commit + " on " + url + " is not a commit");
          }
          if (ref.isEmpty()) {
            throw fetchFailure(project, commit, url, byId, "");
          }
          log.info("{} {} not fetched by id, fetching {}", project, commit, ref.get());
          CommandResult byRef = runner.run(fetch(mirror, url, "+" + ref.get() + ":" + INCOMING));
          if (!byRef.succeeded()) {
            throw fetchFailure(project, commit, url, byRef, " nor through " + ref.get());
          }
          try {
            if (!hasCommit(mirror, commit)) {
              throw new InvalidSourceException(
                  project
                      + ": "
                      + ref.get()
                      + " on "
                      + url
                      + " does not hold commit "
                      + commit
                      + ": check that the ref is the commit's change and patch set");
            }
            runner.check(git(mirror, "update-ref", PIN_PREFIX + commit, commit));
          } finally {
            runner.run(git(mirror, "update-ref", "-d", INCOMING));
          }
          return mirror;
        });
  }

  /** A git command on the mirror, in the hermetic environment. */
  static Command git(Path mirror, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("git");
    argv.add("--git-dir=" + mirror);
    argv.addAll(List.of(args));
    return Command.of(argv).withEnvironment(GIT_ENVIRONMENT);
  }

  /**
   * Writes the commit's files that the pathspecs select (all of them when there are none) to a tar
   * file, under {@code prefix} unless it is empty.
   */
  void archive(Path mirror, String commit, String prefix, Path output, List<String> pathspecs) {
    List<String> args = new ArrayList<>();
    // Spelled out, though it is git's default, because it decides the bytes of the tarballs.
    args.addAll(List.of("-c", "tar.umask=0002", "archive", "--format=tar"));
    if (!prefix.isEmpty()) {
      args.add("--prefix=" + prefix);
    }
    args.add("--output=" + output);
    args.add(commit);
    if (!pathspecs.isEmpty()) {
      args.add("--");
      args.addAll(pathspecs);
    }
    runner.check(git(mirror, args.toArray(String[]::new)));
  }

  private boolean hasCommit(Path mirror, String commit) {
    return runner.run(git(mirror, "cat-file", "-e", commit + "^{commit}")).succeeded();
  }

  private Command fetch(Path mirror, String url, String refspec) {
    List<String> argv = new ArrayList<>();
    argv.add("git");
    argv.add("--git-dir=" + mirror);
    // The empty value drops any helper configured before, which might store the password.
    argv.addAll(List.of("-c", "credential.helper="));
    Map<String, String> environment = new HashMap<>(GIT_ENVIRONMENT);
    if (remote.isAuthenticated()) {
      argv.addAll(List.of("-c", "credential.helper=" + CREDENTIAL_HELPER));
      environment.put(USER_VARIABLE, remote.user().orElseThrow());
      environment.put(PASSWORD_VARIABLE, remote.password().orElseThrow());
    }
    // A detached gc would outlive the mirror's lock and race the next fetch.
    argv.addAll(List.of("-c", "gc.autoDetach=false"));
    argv.addAll(List.of("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", url, refspec));
    return Command.of(argv).withEnvironment(environment);
  }

  /** Tells a commit or project that does not exist from a server that cannot be reached. */
  private static RuntimeException fetchFailure(
      String project, String commit, String url, CommandResult result, String alsoTried) {
    String output = result.stderr().strip();
    String lower = output.toLowerCase(Locale.ROOT);
    String what = project + ": commit " + commit;
    if (lower.contains("not our ref")
        || lower.contains("unadvertised object")
        || lower.contains("couldn't find remote ref")
        || lower.contains("no such remote ref")) {
      return new InvalidSourceException(
          what + " does not exist on " + url + alsoTried + ": check the commit id\n" + output);
    }
    if (lower.contains("does not appear to be a git repository")
        || (lower.contains("repository") && lower.contains("not found"))) {
      return new InvalidSourceException(
          what + ": no project " + project + " at " + url + ": check the project name\n" + output);
    }
    if (lower.contains("authentication failed")
        || lower.contains("terminal prompts disabled")
        || lower.contains("returned error: 403")) {
      return new EnvironmentException(
          what
              + ": "
              + url
              + " refused access: check the Gerrit user and its HTTP password\n"
              + output,
          false);
    }
    return new EnvironmentException(
        what + ": fetching from " + url + " failed (exit " + result.exitCode() + ")\n" + output,
        true);
  }

  private static void pinAttributes(Path mirror) {
    Path attributes = mirror.resolve("info/attributes");
    try {
      if (Files.isRegularFile(attributes)
          && Files.readString(attributes, StandardCharsets.UTF_8).equals(ATTRIBUTES)) {
        return;
      }
      Files.createDirectories(attributes.getParent());
      Files.writeString(attributes, ATTRIBUTES, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + attributes + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code body} holding the mirror's lock, against this JVM and other processes alike. */
  private static <T> T underLock(Path mirror, Supplier<T> body) {
    Path lockFile = mirror.resolveSibling(mirror.getFileName() + ".lock");
    ReentrantLock processLock =
        PROCESS_LOCKS.computeIfAbsent(lockFile, file -> new ReentrantLock());
    processLock.lock();
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        channel.lock(); // released when the channel closes
        return body.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
    } finally {
      processLock.unlock();
    }
  }
}
