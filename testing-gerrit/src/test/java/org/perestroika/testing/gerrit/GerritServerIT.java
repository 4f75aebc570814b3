package org.perestroika.testing.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.perestroika.testing.Requirements;

/** The harness against a real Gerrit: REST, git over HTTP and stream-events over SSH. */
class GerritServerIT {
  private static final String PROJECT = "acme/openstack/nova";
  private static final String BRANCH = "openstack-ci/fuel-10.0/2024.1";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);
  // Under target/ rather than a JUnit temp dir, so the server's log outlives a failed run.
  private static final Path WORK_DIR = Path.of("target", "gerrit-it").toAbsolutePath();

  private static GerritServer gerrit;

  @BeforeAll
  static void startGerrit() throws Exception {
    Requirements.requirePrograms("ssh", "git");
    deleteRecursively(WORK_DIR);
    Instant begin = Instant.now();
    gerrit = GerritServer.start(WORK_DIR);
    System.out.printf(
        "Gerrit ready in %d ms, %s%n",
        Duration.between(begin, Instant.now()).toMillis(), rss(gerrit.pid()));
    gerrit.createProject(PROJECT);
  }

  @AfterAll
  static void stopGerrit() throws IOException {
    if (gerrit == null) {
      return;
    }
    long pid = gerrit.pid();
    System.out.println("Gerrit before stop: " + rss(pid));
    gerrit.close();
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "still running");
    assertTrue(
        Files.readString(gerrit.log()).contains("GerritDaemon stopped"),
        "Gerrit did not stop on request; see " + gerrit.log());
  }

  @Test
  void streamsEventsForPushesAndTakesVerifiedVotes() throws Exception {
    try (EventStream events = EventStream.open(gerrit, WORK_DIR.resolve("stream-events.err"))) {
      events.awaitSubscribed(gerrit);
      gerrit.createBranch(PROJECT, BRANCH);
      events.await(e -> e.contains("\"type\":\"ref-updated\"") && e.contains(BRANCH));

      PushedChange change =
          gerrit.pushChange(
              PROJECT,
              BRANCH,
              Map.of("debian/changelog", "nova (2:29.0.0-1~mos10.0) bookworm; urgency=medium\n"),
              "fuel-10.0");
      String created =
          events.await(
              e ->
                  e.contains("\"type\":\"patchset-created\"")
                      && e.contains("\"id\":\"" + change.changeId() + "\""));
      assertTrue(created.contains("\"number\":" + change.number()), created);
      assertTrue(created.contains("\"project\":\"" + PROJECT + "\""), created);
      assertTrue(created.contains("\"branch\":\"" + BRANCH + "\""), created);
      assertTrue(created.contains("\"topic\":\"fuel-10.0\""), created);
      assertTrue(created.contains("\"revision\":\"" + change.revision() + "\""), created);

      gerrit.restPost(
          "changes/" + change.triplet() + "/revisions/current/review",
          "{\"message\":\"Build succeeded\",\"labels\":{\"Verified\":1}}");
      events.await(
          e ->
              e.contains("\"type\":\"comment-added\"")
                  && e.contains("\"id\":\"" + change.changeId() + "\"")
                  && e.contains("Build succeeded"));
      String votes =
          gerrit.restGet("changes/" + change.triplet() + "/reviewers/" + gerrit.user() + "/votes/");
      assertEquals(Optional.of("1"), Json.firstScalar(votes, "Verified"), votes);
    }
  }

  @Test
  void amendsMergesAndAbandons() throws Exception {
    PushedChange first = gerrit.pushChange(PROJECT, "master", Map.of("README", "one\n"), null);
    PushedChange second = gerrit.pushPatchSet(first, Map.of("README", "two\n"));
    assertEquals(first.number(), second.number());
    assertEquals(first.changeId(), second.changeId());
    assertNotEquals(first.revision(), second.revision());
    String current = gerrit.restGet("changes/" + first.number() + "?o=CURRENT_REVISION");
    assertTrue(current.contains("\"current_revision\":\"" + second.revision() + "\""), current);

    gerrit.comment(first.number(), "Looks fine");
    gerrit.merge(first.number());
    assertTrue(
        gerrit.restGet("changes/" + first.number()).contains("\"status\":\"MERGED\""), "merged");
    String head = gerrit.restGet("projects/" + GerritRest.encode(PROJECT) + "/branches/master");
    assertTrue(head.contains(second.revision()), head);

    PushedChange doomed =
        gerrit.pushChange(PROJECT, "master", Path.of("src", "test", "resources", "tree"), "gone");
    gerrit.abandon(doomed.number());
    String abandoned = gerrit.restGet("changes/" + doomed.number());
    assertTrue(abandoned.contains("\"status\":\"ABANDONED\""), abandoned);
    String files = gerrit.restGet("changes/" + doomed.number() + "/revisions/current/files");
    assertTrue(files.contains("\"debian/control\""), files);
  }

  /** {@code gerrit stream-events} read by the real ssh client, one JSON object a line. */
  private static final class EventStream implements AutoCloseable {
    private final Process ssh;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private EventStream(Process ssh, Path stderr) {
      this.ssh = ssh;
      this.stderr = stderr;
      Thread reader = new Thread(this::read, "stream-events");
      reader.setDaemon(true);
      reader.start();
    }

    static EventStream open(GerritServer gerrit, Path stderr) throws IOException {
      Process ssh =
          new ProcessBuilder(
                  "ssh",
                  "-i",
                  gerrit.sshPrivateKey().toString(),
                  "-p",
                  Integer.toString(gerrit.sshPort()),
                  "-o",
                  "StrictHostKeyChecking=no",
                  "-o",
                  "UserKnownHostsFile=/dev/null",
                  "-o",
                  "BatchMode=yes",
                  gerrit.user() + "@" + gerrit.sshHost(),
                  "gerrit",
                  "stream-events")
              .redirectError(stderr.toFile())
              .start();
      ssh.getOutputStream().close();
      return new EventStream(ssh, stderr);
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("read failed: " + e);
      }
    }

    /**
     * Waits until events flow. ssh gives no sign that Gerrit has registered the listener, and an
     * event fired before that is lost, so throwaway projects are created until one is reported.
     */
    void awaitSubscribed(GerritServer gerrit) throws Exception {
      Instant deadline = Instant.now().plus(EVENT_TIMEOUT);
      for (int probe = 1; Instant.now().isBefore(deadline); probe++) {
        gerrit.createProject("stream-probe-" + probe);
        Instant probeDeadline = Instant.now().plus(Duration.ofSeconds(2));
        for (String line = next(probeDeadline); line != null; line = next(probeDeadline)) {
          if (line.contains("\"type\":\"project-created\"") && line.contains("stream-probe-")) {
            return;
          }
        }
      }
      fail("stream-events delivered nothing within " + EVENT_TIMEOUT + "; saw " + seen);
    }

    String await(Predicate<String> wanted) throws Exception {
      Instant deadline = Instant.now().plus(EVENT_TIMEOUT);
      for (String line = next(deadline); line != null; line = next(deadline)) {
        if (wanted.test(line)) {
          return line;
        }
      }
      return fail("no matching event within " + EVENT_TIMEOUT + "; saw " + seen);
    }

    /** The next line, or {@code null} at the deadline. */
    private String next(Instant deadline) throws Exception {
      while (Instant.now().isBefore(deadline)) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          seen.add(line);
          return line;
        }
        if (!ssh.isAlive() && lines.isEmpty()) {
          fail("ssh exited with " + ssh.exitValue() + ": " + Files.readString(stderr));
        }
      }
      return null;
    }

    @Override
    public void close() {
      ssh.destroy();
      try {
        ssh.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        ssh.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String rss(long pid) {
    try (Stream<String> status = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
      return status.filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS unknown");
    } catch (IOException e) {
      return "VmRSS unknown";
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
