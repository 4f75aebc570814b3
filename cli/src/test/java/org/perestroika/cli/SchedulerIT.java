package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.TestPackages;
import org.perestroika.testing.gerrit.GerritServer;
import org.perestroika.testing.gerrit.PushedChange;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.docker.DockerContainerRuntime;

/**
 * The scheduler against a real Gerrit server, as a person runs it: `perestroika scheduler` in a
 * process of its own, changes pushed over git, votes read back over REST, and the package of a
 * verified change installed by a stock apt from the test repository its vote names.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerIT {
  static final String PROJECT = "acme/packages/fuel/debian/perestroika-hello";
  static final String BRANCH = "10.0";
  static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String WEBHOOK_SECRET = "s3cret-of-the-webhook";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path work;
  static GerritServer gerrit;
  static Path config;
  static String api;
  static Process scheduler;
  static int runs;
  static PushedChange verified;
  static PushedChange replaced;

  @BeforeAll
  static void startGerritAndScheduler() throws Exception {
    Requirements.bookwormChroot();
    Requirements.requirePrograms("git", "reprepro", "ssh");
    gerrit = GerritServer.start(work.resolve("gerrit"));
    gerrit.createProject(PROJECT);
    gerrit.createBranch(PROJECT, BRANCH);
    Path password = Files.writeString(work.resolve("gerrit.password"), gerrit.httpPassword());
    Path secret = Files.writeString(work.resolve("webhook.secret"), WEBHOOK_SECRET);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    api = "http://127.0.0.1:" + port;
    config = work.resolve("perestroika.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "publisher:",
            "  repo-root: " + work.resolve("mirror"),
            "scheduler:",
            "  listen: 127.0.0.1:" + port,
            "  slots: 2",
            "  database: jdbc:h2:file:" + work.resolve("db/builds"),
            "  builds-dir: " + work.resolve("builds"),
            "  webhook-secret-file: " + secret,
            "  gerrit:",
            "    review:",
            "      ssh: " + gerrit.user() + "@" + gerrit.sshHost() + ":" + gerrit.sshPort(),
            "      ssh-key: " + gerrit.sshPrivateKey(),
            "      http: " + gerrit.httpUrl(),
            "      http-user: " + gerrit.user(),
            "      http-password-file: " + password,
            "  customers:",
            "    acme:",
            "      releases:",
            "        mos10.0: {branches: [\"" + BRANCH + "\"], dists: [bookworm]}",
            ""));
    startScheduler();
  }

  @AfterAll
  static void stop() throws Exception {
    if (scheduler != null) {
      scheduler.destroy();
      scheduler.waitFor(60, TimeUnit.SECONDS);
    }
    if (gerrit != null) {
      gerrit.close();
    }
  }

  @Test
  @Order(1)
  void aGoodChangeIsVerifiedAndItsRepositoryInstallsWithApt() throws Exception {
    PushedChange change = gerrit.pushChange(PROJECT, BRANCH, EXAMPLE, null);
    verified = change;
    JsonNode vote = awaitVote(change.number(), 1);
    String message = vote.path("message").asText();
    assertTrue(message.contains("Perestroika build b"), message);
    assertTrue(message.contains("/api/builds/b"), message);
    String sources =
        message.lines().filter(l -> l.contains("deb [signed-by=")).findFirst().orElseThrow();
    // Mounted whole: the repository's relative links (to its snapshot, and from there to the
    // pool the snapshots share) lead into it.
    Path repos = work.resolve("mirror/review/CR-" + change.number());
    assertTrue(
        sources.contains("file:" + work.resolve("mirror/review/CR-" + change.number())), sources);

    try (DockerContainerRuntime docker =
        new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"))) {
      String line =
          sources
              .substring(sources.indexOf("deb ["))
              .replaceAll("file:\\S+", "file:/srv/repos/debian");
      Path list = Files.writeString(work.resolve("review.list"), line + "\n");
      Path empty = Files.writeString(work.resolve("empty.list"), "");
      List<String> output = new ArrayList<>();
      ContainerExit exit =
          docker.run(
              new ContainerSpec(
                  "debian:bookworm",
                  List.of(
                      "sh",
                      "-c",
                      "apt-get update && apt-get install -y perestroika-hello && perestroika-hello"),
                  "/",
                  Map.of("org.perestroika.test", "apt-client"),
                  List.of(
                      new BindMount(repos, "/srv/repos", true),
                      new BindMount(
                          repos.resolve("debian/project/mos-archive-keyring.gpg").toRealPath(),
                          "/etc/apt/keyrings/mos-archive-keyring.gpg",
                          true),
                      new BindMount(list, "/etc/apt/sources.list.d/review.list", true),
                      new BindMount(empty, "/etc/apt/sources.list", true)),
                  Map.of(),
                  ContainerSpec.Network.NONE,
                  512L << 20,
                  512,
                  false),
              Duration.ofMinutes(5),
              output::add);
      assertEquals(0, exit.exitCode(), String.join("\n", output));
      assertTrue(output.contains("Hello from a Perestroika build."), String.join("\n", output));
    }
  }

  @Test
  @Order(2)
  void aBrokenChangeIsVotedDownWithTheLogTail() throws Exception {
    Path broken = TestPackages.failing(work.resolve("broken-src"));
    PushedChange change = gerrit.pushChange(PROJECT, BRANCH, broken, null);
    String message = awaitVote(change.number(), -1).path("message").asText();
    assertTrue(message.contains("this package does not build"), message);
  }

  @Test
  @Order(3)
  void aNewPatchSetCancelsTheBuildOfTheOldOne() throws Exception {
    Path slow = TestPackages.sleeping(work.resolve("slow-src"), 600);
    PushedChange first = gerrit.pushChange(PROJECT, BRANCH, slow, null);
    JsonNode running = awaitBuild(b -> isOf(b, first.number(), 1) && state(b).equals("RUNNING"));
    gerrit.pushPatchSet(first, Map.of("debian/rules", "#!/usr/bin/make -f\n%:\n\tdh $@\n"));
    awaitBuild(b -> id(b).equals(id(running)) && state(b).equals("CANCELLED"));
    awaitVote(first.number(), 1);
    assertEquals(1, votesFor(first.number()).size(), "only patch set 2 was voted on");
    replaced = first;
  }

  @Test
  @Order(4)
  void aKilledSchedulerFinishesItsBuildOnceAndCatchesUpOnWhatItMissed() throws Exception {
    Path slow = TestPackages.sleeping(work.resolve("slowish-src"), 25);
    PushedChange building = gerrit.pushChange(PROJECT, BRANCH, slow, null);
    awaitBuild(b -> isOf(b, building.number(), 1) && state(b).equals("RUNNING"));
    scheduler.destroyForcibly();
    assertTrue(scheduler.waitFor(60, TimeUnit.SECONDS));

    PushedChange missed = gerrit.pushChange(PROJECT, BRANCH, EXAMPLE, null);
    startScheduler();

    awaitVote(building.number(), 1);
    awaitVote(missed.number(), 1);
    assertEquals(1, votesFor(building.number()).size(), "voted once");
    assertEquals(1, votesFor(missed.number()).size(), "voted once");
  }

  @Test
  @Order(5)
  void aMergedChangeReusesItsReviewBuildAndLandsInTheReleaseSuite() throws Exception {
    gerrit.merge(verified.number());
    JsonNode merge =
        awaitBuild(
            b ->
                b.path("change").asInt() == verified.number()
                    && b.path("trigger").asText().equals("MERGE")
                    && !b.path("finishedAt").isNull());
    assertEquals("REUSED", state(merge), merge.toString());
    Path packages = work.resolve("mirror/debian/dists/mos10.0-proposed/main/binary-amd64/Packages");
    assertTrue(Files.readString(packages).contains("Package: perestroika-hello"));
    await(
        "the merge comment",
        () ->
            votesFor(verified.number()).stream()
                .filter(m -> m.path("message").asText().contains(id(merge)))
                .findFirst());
  }

  @Test
  @Order(6)
  void anAbandonedChangeLosesItsTestRepository() throws Exception {
    Path repository = work.resolve("mirror/review/CR-" + replaced.number());
    assertTrue(Files.exists(repository));
    gerrit.abandon(replaced.number());
    await(
        "the test repository of an abandoned change to go",
        () -> Files.exists(repository) ? Optional.empty() : Optional.of(true));
  }

  @Test
  @Order(7)
  void aChangePushedAsTheStreamIsCutIsStillBuilt() throws Exception {
    String sessions = ssh("gerrit", "show-connections", "-n");
    List<String> ids = new ArrayList<>();
    for (String line : sessions.lines().toList()) {
      String first = line.strip().split("\\s+")[0];
      if (first.matches("[0-9a-f]{8}")) {
        ids.add(first);
      }
    }
    assertTrue(!ids.isEmpty(), sessions);
    List<String> close = new ArrayList<>(List.of("gerrit", "close-connection"));
    close.addAll(ids);
    ssh(close.toArray(String[]::new));
    PushedChange change = gerrit.pushChange(PROJECT, BRANCH, EXAMPLE, null);
    awaitVote(change.number(), 1);
  }

  @Test
  @Order(8)
  void aSpecChangeIsBuiltWithTheCodeProjectsBranchHead() throws Exception {
    String code = "acme/openstack/perestroika-hello";
    String spec = "acme/openstack-build/perestroika-hello";
    gerrit.createProject(code);
    gerrit.createProject(spec);
    gerrit.createBranch(spec, BRANCH);
    // The code branch starts at a reviewed-elsewhere commit holding only the upstream sources.
    gerrit.createBranch(code, "staging");
    PushedChange upstream =
        gerrit.pushChange(
            code,
            "staging",
            Map.of(
                "hello.c", Files.readString(EXAMPLE.resolve("hello.c")),
                "Makefile", Files.readString(EXAMPLE.resolve("Makefile"))),
            null);
    gerrit.restPut(
        "projects/"
            + java.net.URLEncoder.encode(code, java.nio.charset.StandardCharsets.UTF_8)
            + "/branches/"
            + BRANCH,
        "{\"revision\":\"" + upstream.revision() + "\"}");
    Path packaging = work.resolve("packaging");
    copyTree(EXAMPLE.resolve("debian"), packaging.resolve("debian"));

    PushedChange change = gerrit.pushChange(spec, BRANCH, packaging, null);
    awaitVote(change.number(), 1);
    JsonNode build =
        awaitBuild(
            b -> b.path("change").asInt() == change.number() && !b.path("finishedAt").isNull());
    assertEquals(upstream.revision(), build.path("codeCommit").asText(), build.toString());
    assertEquals(change.revision(), build.path("specCommit").asText(), build.toString());
  }

  @Test
  @Order(9)
  void theWebhookTakesEventsWithTheSecretOnly() throws Exception {
    String event =
        "{\"type\":\"ref-updated\",\"eventCreatedOn\":1795300000,\"refUpdate\":{"
            + "\"project\":\"probe/none\",\"refName\":\"refs/heads/master\","
            + "\"oldRev\":\""
            + "0".repeat(40)
            + "\",\"newRev\":\""
            + "1".repeat(40)
            + "\"}}";
    assertEquals(401, webhook("not-the-secret", event).statusCode());
    assertEquals(400, webhook(WEBHOOK_SECRET, "{not json").statusCode());
    HttpResponse<String> taken = webhook(WEBHOOK_SECRET, event);
    assertEquals(202, taken.statusCode(), taken.body());
  }

  @Test
  @Order(10)
  void healthAndMetricsDescribeTheRunningSchedulerAndUnroutedProjectsNeverBuilt() throws Exception {
    for (JsonNode build : JSON.readTree(get("/api/builds").body())) {
      assertTrue(!build.path("project").asText().startsWith("probe/"), build.toString());
    }
    HttpResponse<String> health = get("/healthz");
    assertEquals(200, health.statusCode(), health.body());
    assertTrue(health.body().contains("gerrit review"), health.body());
    String metrics = get("/metrics").body();
    assertTrue(metrics.contains("perestroika_gerrit_events_total"), metrics);
    assertTrue(metrics.contains("perestroika_build_duration_seconds_bucket"), metrics);
  }

  @Test
  @Order(11)
  void theLogGoesToStdoutWithAJournalPriorityOnEveryLine() throws IOException {
    Path log = work.resolve("scheduler-" + runs);
    assertEquals("", Files.readString(log.resolve("stderr")));
    List<String> lines = Files.readAllLines(log.resolve("stdout"));
    for (String line : lines) {
      assertTrue(line.matches("<[0-7]>.*"), "no priority on: " + line);
    }
    assertTrue(
        lines.stream().anyMatch(line -> line.startsWith("<6>HTTP API listening on ")),
        lines.toString());
    assertTrue(
        lines.stream().anyMatch(line -> line.startsWith("<6>[scheduler] following review")),
        lines.toString());
  }

  private static HttpResponse<String> webhook(String secret, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(api + "/webhook/gerrit"))
            .header("X-Perestroika-Secret", secret)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Runs a Gerrit SSH command as the administrator and returns what it printed. */
  private static String ssh(String... command) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
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
                "LogLevel=ERROR",
                gerrit.user() + "@" + gerrit.sshHost()));
    argv.addAll(List.of(command));
    Process ssh = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output =
        new String(ssh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(ssh.waitFor(60, TimeUnit.SECONDS));
    return output;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void startScheduler() throws Exception {
    runs++;
    // As systemd runs it, with stdout connected to the journal.
    scheduler =
        PerestroikaProcess.start(
            work.resolve("scheduler-" + runs),
            Map.of("JOURNAL_STREAM", "8:4242"),
            "--config",
            config.toString(),
            "scheduler");
    await(
        "the scheduler connected to Gerrit",
        () -> {
          HttpResponse<String> health = get("/healthz");
          return health.statusCode() == 200 ? Optional.of(health) : Optional.empty();
        });
    // stream-events drops what happens before Gerrit has registered the stream: wait until an
    // event the scheduler ignores (a change to a project it does not route) comes through.
    int before = eventsSeen();
    for (int probe = 0; eventsSeen() == before; probe++) {
      if (probe > 60) {
        throw new AssertionError("no event reached the scheduler; see " + work);
      }
      String name = "probe/p" + runs + "-" + probe;
      gerrit.createProject(name);
      gerrit.pushChange(name, "master", Map.of("README", "probe"), null);
      Thread.sleep(1000);
    }
  }

  private static int eventsSeen() throws Exception {
    return get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("perestroika_gerrit_events_total"))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** The vote message of our review on the change with that value, once it is posted. */
  private static JsonNode awaitVote(int change, int value) throws Exception {
    return await(
        "Verified " + value + " on change " + change,
        () ->
            votesFor(change).stream()
                .filter(
                    m -> m.path("message").asText().contains(value > 0 ? "succeeded" : "failed"))
                .findFirst());
  }

  /** Our review messages on a change. */
  private static List<JsonNode> votesFor(int change) throws Exception {
    JsonNode detail = JSON.readTree(gerrit.restGet("changes/" + change + "/detail"));
    List<JsonNode> ours = new ArrayList<>();
    for (JsonNode message : detail.path("messages")) {
      if (message.path("tag").asText().equals("autogenerated:perestroika")) {
        ours.add(message);
      }
    }
    return ours;
  }

  private static JsonNode awaitBuild(Predicate<JsonNode> wanted) throws Exception {
    return await(
        "a build matching the test's condition",
        () -> {
          for (JsonNode build : JSON.readTree(get("/api/builds").body())) {
            if (wanted.test(build)) {
              return Optional.of(build);
            }
          }
          return Optional.empty();
        });
  }

  private static boolean isOf(JsonNode build, int change, int patchset) {
    return build.path("change").asInt() == change && build.path("patchset").asInt() == patchset;
  }

  private static String state(JsonNode build) {
    return build.path("state").asText();
  }

  private static String id(JsonNode build) {
    return build.path("id").asText();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new FailedResponse(e);
    }
  }

  private interface Probe<T> {
    Optional<T> check() throws Exception;
  }

  private static <T> T await(String what, Probe<T> probe) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> found = probe.check();
      if (found.isPresent()) {
        return found.get();
      }
      if (!scheduler.isAlive()) {
        throw new AssertionError(
            "the scheduler exited with "
                + scheduler.exitValue()
                + " waiting for "
                + what
                + "; see "
                + work);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("gave up waiting for " + what + "; see " + work);
  }

  /** A connection that failed, seen as a 503 so waiting code can treat it as "not yet". */
  private record FailedResponse(IOException cause) implements HttpResponse<String> {
    public int statusCode() {
      return 503;
    }

    public HttpRequest request() {
      return null;
    }

    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    public String body() {
      return "";
    }

    public Optional<javax.net.ssl.SSLSession> sslSession() {
      return Optional.empty();
    }

    public URI uri() {
      return URI.create(api);
    }

    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
