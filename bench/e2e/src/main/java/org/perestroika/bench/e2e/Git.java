package org.perestroika.bench.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.perestroika.testing.gerrit.GerritServer;

/**
 * One clone of a project, kept for the whole run, from which each change is pushed for review on
 * top of the branch as Gerrit has it. GerritServer.pushChange clones afresh and asks Gerrit for the
 * change number after pushing; here the clock stops the moment {@code git push} returns.
 */
final class Git {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A change just pushed, with the moments its push began and returned. */
  record Pushed(String changeId, Instant pushStarted, Instant pushReturned) {}

  private final Path clone;
  private final String branch;
  private final Map<String, String> environment;

  private Git(Path clone, String branch, Map<String, String> environment) {
    this.clone = clone;
    this.branch = branch;
    this.environment = environment;
  }

  static Git clone(GerritServer gerrit, String project, String branch, Path dir)
      throws IOException, InterruptedException {
    String authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (gerrit.user() + ":" + gerrit.httpPassword()).getBytes(StandardCharsets.UTF_8));
    Map<String, String> environment =
        Map.ofEntries(
            // The machine's own git configuration (hooks, signing, URL rewrites) stays out.
            Map.entry("GIT_CONFIG_NOSYSTEM", "1"),
            Map.entry("GIT_CONFIG_GLOBAL", "/dev/null"),
            Map.entry("GIT_TERMINAL_PROMPT", "0"),
            Map.entry("GIT_CONFIG_COUNT", "1"),
            Map.entry("GIT_CONFIG_KEY_0", "http.extraHeader"),
            Map.entry("GIT_CONFIG_VALUE_0", "Authorization: " + authorization),
            Map.entry("GIT_AUTHOR_NAME", "Administrator"),
            Map.entry("GIT_AUTHOR_EMAIL", gerrit.email()),
            Map.entry("GIT_COMMITTER_NAME", "Administrator"),
            Map.entry("GIT_COMMITTER_EMAIL", gerrit.email()));
    Files.createDirectories(dir.getParent());
    Git git = new Git(dir, branch, environment);
    git.run(
        dir.getParent(),
        "clone",
        "--quiet",
        "--branch",
        branch,
        gerrit.httpUrl().resolve("a/" + project).toString(),
        dir.toString());
    return git;
  }

  /**
   * Commits {@code files} over the branch's tip as Gerrit has it and pushes the commit for review
   * as a new change.
   */
  Pushed pushChange(Map<String, String> files, String subject)
      throws IOException, InterruptedException {
    run(clone, "fetch", "--quiet", "origin", branch);
    run(clone, "reset", "--quiet", "--hard", "FETCH_HEAD");
    run(clone, "clean", "--quiet", "-fdx");
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = clone.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
    }
    String changeId = newChangeId();
    run(clone, "add", "--all");
    run(clone, "commit", "--quiet", "--message", subject + "\n\nChange-Id: " + changeId + "\n");
    Instant started = Instant.now();
    run(clone, "push", "--quiet", "origin", "HEAD:refs/for/" + branch);
    Instant returned = Instant.now();
    return new Pushed(changeId, started, returned);
  }

  private static String newChangeId() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return "I" + HexFormat.of().formatHex(bytes);
  }

  private String run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    // To a file, so that a hung git cannot block the timeout below on a full pipe.
    Path output = Files.createTempFile("bench-e2e-git", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("git " + String.join(" ", args) + " timed out after " + TIMEOUT);
      }
      String text = Files.readString(output);
      if (process.exitValue() != 0) {
        throw new IOException(
            "git " + String.join(" ", args) + " failed with " + process.exitValue() + ":\n" + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
