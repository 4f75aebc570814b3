package org.perestroika.testing.gerrit;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Pushes changes for review with the git command line, over HTTP, from throwaway clones. */
final class GitCli {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a push puts into the clone's worktree before committing. */
  @FunctionalInterface
  interface Content {
    void writeTo(Path worktree) throws IOException;
  }

  private final Path clones;
  private final URI httpUrl;
  private final Map<String, String> environment;
  private final GerritRest rest;

  GitCli(
      Path clones, URI httpUrl, String authorization, String name, String email, GerritRest rest) {
    this.clones = clones;
    this.httpUrl = httpUrl;
    this.rest = rest;
    this.environment =
        Map.ofEntries(
            // The developer's own configuration (signing, hooks, URL rewrites) stays out.
            Map.entry("GIT_CONFIG_NOSYSTEM", "1"),
            Map.entry("GIT_CONFIG_GLOBAL", "/dev/null"),
            Map.entry("GIT_TERMINAL_PROMPT", "0"),
            // Credentials through the environment stay out of argv and out of .git/config.
            Map.entry("GIT_CONFIG_COUNT", "1"),
            Map.entry("GIT_CONFIG_KEY_0", "http.extraHeader"),
            Map.entry("GIT_CONFIG_VALUE_0", "Authorization: " + authorization),
            Map.entry("GIT_AUTHOR_NAME", name),
            Map.entry("GIT_AUTHOR_EMAIL", email),
            Map.entry("GIT_COMMITTER_NAME", name),
            Map.entry("GIT_COMMITTER_EMAIL", email));
  }

  static Content writing(Map<String, String> files) {
    Map<String, String> copy = new TreeMap<>(files);
    return worktree -> {
      for (Map.Entry<String, String> file : copy.entrySet()) {
        Path target = inside(worktree, file.getKey());
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      }
    };
  }

  static Content copying(Path sourceTree) {
    Path source = sourceTree.toAbsolutePath();
    return worktree -> {
      try (Stream<Path> paths = Files.walk(source)) {
        for (Path path : (Iterable<Path>) paths::iterator) {
          Path relative = source.relativize(path);
          if (relative.startsWith(".git")) {
            continue;
          }
          Path target = worktree.resolve(relative.toString());
          if (Files.isDirectory(path)) {
            Files.createDirectories(target);
          } else {
            Files.copy(
                path,
                target,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
    };
  }

  PushedChange pushChange(String project, String branch, Content content, String topic)
      throws IOException, InterruptedException {
    String changeId = newChangeId();
    Path clone = cloneOf(project, branch);
    try {
      content.writeTo(clone);
      git(clone, "add", "--all");
      git(clone, "commit", "--quiet", "--allow-empty", "--message", message(clone, changeId));
      git(clone, "push", "--quiet", "origin", "HEAD:" + forReview(branch, topic));
      String revision = git(clone, "rev-parse", "HEAD").strip();
      String triplet = GerritRest.triplet(project, branch, changeId);
      int number = Integer.parseInt(field(rest.get("changes/" + triplet), "_number"));
      return new PushedChange(project, branch, number, changeId, revision);
    } finally {
      deleteRecursively(clone);
    }
  }

  PushedChange pushPatchSet(PushedChange change, Content content)
      throws IOException, InterruptedException {
    String current = field(rest.get("changes/" + change.number() + "?o=CURRENT_REVISION"), "ref");
    Path clone = cloneOf(change.project(), change.branch());
    try {
      git(clone, "fetch", "--quiet", "origin", current);
      git(clone, "checkout", "--quiet", "--detach", "FETCH_HEAD");
      content.writeTo(clone);
      git(clone, "add", "--all");
      git(clone, "commit", "--quiet", "--amend", "--allow-empty", "--no-edit");
      git(clone, "push", "--quiet", "origin", "HEAD:" + forReview(change.branch(), null));
      String revision = git(clone, "rev-parse", "HEAD").strip();
      return new PushedChange(
          change.project(), change.branch(), change.number(), change.changeId(), revision);
    } finally {
      deleteRecursively(clone);
    }
  }

  private Path cloneOf(String project, String branch) throws IOException, InterruptedException {
    Files.createDirectories(clones);
    Path clone = Files.createTempDirectory(clones, "clone");
    // Project names keep their slashes in git URLs: they are paths, not single segments.
    String url = httpUrl.resolve("a/" + project).toString();
    git(clones, "clone", "--quiet", "--branch", branch, url, clone.toString());
    return clone;
  }

  /** The trailer Gerrit's commit-msg hook would add; random, as the hook's hash is in effect. */
  static String newChangeId() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return "I" + HexFormat.of().formatHex(bytes);
  }

  static String forReview(String branch, String topic) {
    if (topic == null) {
      return "refs/for/" + branch;
    }
    if (topic.isEmpty() || topic.matches(".*[\\s,%].*")) {
      // These would end the push option or be read as another one.
      throw new IllegalArgumentException("topic must be non-empty without blanks, ',' or '%'");
    }
    return "refs/for/" + branch + "%topic=" + topic;
  }

  /** A subject naming what changed, so that the change reads sensibly in Gerrit's UI. */
  private String message(Path clone, String changeId) throws IOException, InterruptedException {
    List<String> staged = git(clone, "diff", "--cached", "--name-only").lines().toList();
    String subject =
        staged.isEmpty()
            ? "Empty change"
            : "Update "
                + String.join(", ", staged.subList(0, Math.min(3, staged.size())))
                + (staged.size() > 3 ? " and " + (staged.size() - 3) + " more" : "");
    return subject + "\n\nChange-Id: " + changeId + "\n";
  }

  private String git(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    // Output goes to a file so that a hung git cannot block the timeout below on a full pipe.
    Path output = Files.createTempFile(clones, "git", ".out");
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
      String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(
            "git " + String.join(" ", args) + " failed with " + process.exitValue() + ":\n" + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static String field(String json, String name) throws IOException {
    return Json.firstScalar(json, name)
        .orElseThrow(() -> new IOException("no \"" + name + "\" in Gerrit's answer: " + json));
  }

  private static Path inside(Path worktree, String relative) {
    Path target = worktree.resolve(relative).normalize();
    if (!target.startsWith(worktree)
        || target.equals(worktree)
        || target.startsWith(worktree.resolve(".git"))) {
      throw new IllegalArgumentException("not a file inside the worktree: " + relative);
    }
    return target;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
