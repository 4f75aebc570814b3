package org.perestroika.testing.gerrit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Gerrit server in a JVM of its own, for integration tests.
 *
 * <p>Gerrit's test framework bundles unshaded Guava, JGit, Jetty, MINA sshd and Gson, so it cannot
 * share a classpath with the code under test. This class forks {@code GerritDaemon} on the
 * classpath recorded at build time and talks to the server from outside, through its REST API and
 * the git command line, using only the JDK. It must never reference Gerrit or JUnit 4 classes.
 *
 * <p>The server is in-memory: it starts empty and forgets everything on {@link #close()}. The
 * {@link #user() admin} account may push for review, create branches, vote Code-Review -2..+2 and
 * Verified -1..+1, submit and listen to {@code gerrit stream-events} over SSH.
 */
public final class GerritServer implements AutoCloseable {
  static final String DAEMON_MAIN = "org.perestroika.testing.gerrit.GerritDaemon";
  static final String CLASSPATH_RESOURCE = "gerrit-daemon.classpath";
  static final String DETAILS_FILE = "gerrit.properties";
  static final String STOP_FILE = "stop";
  static final String LOG_FILE = "gerrit.log";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_TAIL_LINES = 80;

  private final Path workDir;
  private final Process process;
  private final URI httpUrl;
  private final String sshHost;
  private final int sshPort;
  private final String user;
  private final String email;
  private final String httpPassword;
  private final Path sshPrivateKey;
  private final GerritRest rest;
  private final GitCli git;

  private GerritServer(Path workDir, Process process, Properties details) {
    this.workDir = workDir;
    this.process = process;
    this.httpUrl = URI.create(required(details, "httpUrl"));
    this.sshHost = required(details, "sshHost");
    this.sshPort = Integer.parseInt(required(details, "sshPort"));
    this.user = required(details, "user");
    this.email = required(details, "email");
    this.httpPassword = required(details, "httpPassword");
    this.sshPrivateKey = Path.of(required(details, "sshPrivateKey"));
    this.rest = new GerritRest(httpUrl, user, httpPassword);
    this.git =
        new GitCli(
            workDir.resolve("clones"),
            httpUrl,
            GerritRest.basicAuthorization(user, httpPassword),
            required(details, "fullName"),
            email,
            rest);
  }

  /**
   * Forks a Gerrit server whose site, temporary files, log ({@code gerrit.log}) and admin SSH key
   * live under {@code workDir}, and waits until it answers.
   *
   * @throws IOException if the server does not come up; the message holds the log's tail
   */
  public static GerritServer start(Path workDir) throws IOException, InterruptedException {
    Path dir = workDir.toAbsolutePath();
    Path tmp = dir.resolve("tmp");
    Files.createDirectories(tmp);
    Path details = dir.resolve(DETAILS_FILE);
    Files.deleteIfExists(details);
    Files.deleteIfExists(dir.resolve(STOP_FILE));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The framework's TemporaryFolder holds the server's site: keep it under the work dir.
    command.add("-Djava.io.tmpdir=" + tmp);
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, daemonClasspath()));
    command.add(DAEMON_MAIN);
    command.add(dir.toString());
    command.add(Long.toString(ProcessHandle.current().pid()));
    Path log = dir.resolve(LOG_FILE);
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();

    Instant deadline = Instant.now().plus(START_TIMEOUT);
    try {
      while (!Files.exists(details)) {
        if (!process.isAlive()) {
          throw new IOException(
              "Gerrit exited with code "
                  + process.exitValue()
                  + " before it was ready; "
                  + tail(log));
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IOException("Gerrit was not ready after " + START_TIMEOUT + "; " + tail(log));
        }
        Thread.sleep(100);
      }
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(details)) {
        properties.load(in);
      }
      return new GerritServer(dir, process, properties);
    } catch (IOException | InterruptedException | RuntimeException e) {
      kill(process);
      throw e;
    }
  }

  /** Gerrit's canonical web URL, ending in {@code /}; REST lives under {@code a/}. */
  public URI httpUrl() {
    return httpUrl;
  }

  public String sshHost() {
    return sshHost;
  }

  public int sshPort() {
    return sshPort;
  }

  /** The administrator account's user name, for HTTP and SSH alike. */
  public String user() {
    return user;
  }

  /** The administrator's e-mail address, which Gerrit accepts as author and committer. */
  public String email() {
    return email;
  }

  public String httpPassword() {
    return httpPassword;
  }

  /** The administrator's private key in OpenSSH format, readable by its owner only. */
  public Path sshPrivateKey() {
    return sshPrivateKey;
  }

  /** The forked JVM's process id. */
  public long pid() {
    return process.pid();
  }

  /** The server's combined standard output and error. */
  public Path log() {
    return workDir.resolve(LOG_FILE);
  }

  /** Creates a project with an initial empty commit, so that {@code master} exists. */
  public void createProject(String name) throws IOException, InterruptedException {
    rest.put("projects/" + GerritRest.encode(name), "{\"create_empty_commit\":true}");
  }

  /** Creates {@code branch} at the tip of the project's {@code HEAD}. */
  public void createBranch(String project, String branch) throws IOException, InterruptedException {
    rest.put(
        "projects/" + GerritRest.encode(project) + "/branches/" + GerritRest.encode(branch), "{}");
  }

  /**
   * Pushes one commit for review on {@code branch}, writing {@code files} (path relative to the
   * repository root to UTF-8 content) over the branch's tip.
   *
   * @param topic the change's topic, or {@code null} for none
   */
  public PushedChange pushChange(
      String project, String branch, Map<String, String> files, String topic)
      throws IOException, InterruptedException {
    return git.pushChange(project, branch, GitCli.writing(files), topic);
  }

  /** Like {@link #pushChange(String, String, Map, String)}, copying a directory tree's files. */
  public PushedChange pushChange(String project, String branch, Path sourceTree, String topic)
      throws IOException, InterruptedException {
    return git.pushChange(project, branch, GitCli.copying(sourceTree), topic);
  }

  /** Amends {@code change}'s current patch set with {@code files} and pushes it as a new one. */
  public PushedChange pushPatchSet(PushedChange change, Map<String, String> files)
      throws IOException, InterruptedException {
    return git.pushPatchSet(change, GitCli.writing(files));
  }

  /** Votes on the change's current patch set as the administrator. */
  public void vote(int change, String label, int value) throws IOException, InterruptedException {
    review(change, Map.of(label, value));
  }

  /** Posts a message on the change's current patch set. */
  public void comment(int change, String message) throws IOException, InterruptedException {
    review(change, "{\"message\":" + Json.string(message) + "}");
  }

  /** Approves the change (Code-Review +2, Verified +1) and submits it. */
  public void merge(int change) throws IOException, InterruptedException {
    review(change, Map.of("Code-Review", 2, "Verified", 1));
    rest.post("changes/" + change + "/submit", "{}");
  }

  public void abandon(int change) throws IOException, InterruptedException {
    rest.post("changes/" + change + "/abandon", "{}");
  }

  /**
   * GETs {@code path} below {@code /a/} (for example {@code changes/1/detail}) and returns the JSON
   * without Gerrit's {@code )]}'} prefix.
   */
  public String restGet(String path) throws IOException, InterruptedException {
    return rest.get(path);
  }

  /** POSTs a JSON body to {@code path} below {@code /a/} and returns the JSON answer. */
  public String restPost(String path, String json) throws IOException, InterruptedException {
    return rest.post(path, json);
  }

  /** PUTs a JSON body to {@code path} below {@code /a/} and returns the JSON answer. */
  public String restPut(String path, String json) throws IOException, InterruptedException {
    return rest.put(path, json);
  }

  /**
   * Asks the server to stop and waits for it; kills the JVM if it does not stop in time. The work
   * directory, with its log, is left for the caller.
   */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      Files.writeString(workDir.resolve(STOP_FILE), "stop\n");
      if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (IOException e) {
      // Cannot ask politely; fall through to killing it.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill(process);
  }

  private String review(int change, String json) throws IOException, InterruptedException {
    return rest.post("changes/" + change + "/revisions/current/review", json);
  }

  /** Votes, and insists they count: Gerrit drops votes on labels it does not know, silently. */
  private void review(int change, Map<String, Integer> votes)
      throws IOException, InterruptedException {
    StringBuilder labels = new StringBuilder();
    votes.forEach(
        (label, value) ->
            labels
                .append(labels.length() == 0 ? "" : ",")
                .append(Json.string(label))
                .append(':')
                .append(value));
    String answer = review(change, "{\"labels\":{" + labels + "}}");
    for (Map.Entry<String, Integer> vote : votes.entrySet()) {
      if (!Json.firstScalar(answer, vote.getKey())
          .equals(Optional.of(vote.getValue().toString()))) {
        throw new IOException(
            "Gerrit did not apply " + vote.getKey() + " " + vote.getValue() + ": " + answer);
      }
    }
  }

  private static void kill(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The jars the build recorded, plus wherever this class itself was loaded from. */
  static List<String> daemonClasspath() throws IOException {
    List<String> entries = new ArrayList<>();
    try (InputStream in = GerritServer.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            CLASSPATH_RESOURCE + " is missing: rebuild with `mvn -pl testing-gerrit -am install`");
      }
      for (String entry :
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .trim()
              .split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          entries.add(entry);
        }
      }
    }
    entries.add(ownLocation().toString());
    for (String entry : entries) {
      if (!Files.exists(Path.of(entry))) {
        throw new IllegalStateException(
            entry
                + " is on the Gerrit daemon's classpath but does not exist: rebuild with"
                + " `mvn -pl testing-gerrit -am install` against this local repository");
      }
    }
    return entries;
  }

  private static Path ownLocation() {
    try {
      return Path.of(
          GerritServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the testing-gerrit classes", e);
    }
  }

  private static String tail(Path log) {
    try {
      // Lenient decoding: a stack trace with odd bytes must still reach the test report.
      List<String> lines =
          new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "last lines of " + log + ":\n" + String.join("\n", last);
    } catch (IOException | UncheckedIOException e) {
      return "its log " + log + " is unreadable: " + e;
    }
  }

  private static String required(Properties details, String key) {
    String value = details.getProperty(key);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(DETAILS_FILE + " lacks " + key);
    }
    return value;
  }
}
