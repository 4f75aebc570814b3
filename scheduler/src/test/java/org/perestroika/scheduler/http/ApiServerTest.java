package org.perestroika.scheduler.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.Builds;
import org.perestroika.scheduler.queue.DatabaseLocation;
import org.perestroika.scheduler.queue.JdbcBuildStore;
import org.perestroika.scheduler.queue.NewBuild;
import org.perestroika.testing.TestingClock;

class ApiServerTest {
  private static final String SECRET = "s3cret";

  @TempDir Path dir;
  private final TestingClock clock = TestingClock.at("2026-03-01T10:00:00Z");
  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<ManualBuildRequest> manualRequests = new CopyOnWriteArrayList<>();
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicReference<Health> gerrit = new AtomicReference<>(Health.up("connected"));
  private JdbcBuildStore store;
  private Metrics metrics;
  private ApiServer server;

  private record Delivery(Map<String, List<String>> headers, byte[] body) {}

  @BeforeEach
  void start() throws IOException {
    store = JdbcBuildStore.open(DatabaseLocation.embedded(dir.resolve("state")), clock);
    Files.createDirectories(dir.resolve("logs"));
    metrics = new Metrics();
    new SchedulerMetrics(metrics, store, clock);
    server =
        new ApiServer(
            new ApiConfig(
                new InetSocketAddress("127.0.0.1", 0), 4, Duration.ofMillis(20), Optional.empty()),
            store,
            build -> Optional.of(logOf(build)),
            this::manualBuild,
            this::webhook,
            List.of(
                new HealthCheck("gerrit.example.org", gerrit::get),
                new HealthCheck("database", () -> Health.up("reachable"))),
            metrics);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  /** Schedules like the real thing would, except for one project it does not know. */
  private ManualBuildOutcome manualBuild(ManualBuildRequest request) {
    manualRequests.add(request);
    if (request.project().equals("unknown/project")) {
      return new ManualBuildOutcome.Rejected("Perestroika builds no project unknown/project");
    }
    return new ManualBuildOutcome.Scheduled(
        store.enqueue(Builds.manual(request.commit().orElse("feedbee")), ""));
  }

  /** Checks the secret header and that the body looks like JSON, as the real one would. */
  private WebhookOutcome webhook(Map<String, List<String>> headers, byte[] body) {
    deliveries.add(new Delivery(headers, body));
    if (headers.containsKey("x-no-secret-configured")) {
      return new WebhookOutcome.Disabled();
    }
    if (!List.of(SECRET).equals(headers.get("x-gerrit-secret"))) {
      return new WebhookOutcome.BadSecret();
    }
    if (body.length == 0 || body[0] != '{') {
      return new WebhookOutcome.Malformed("the body is not a Gerrit event");
    }
    return new WebhookOutcome.Accepted();
  }

  private Path logOf(BuildRecord build) {
    return dir.resolve("logs").resolve(build.buildId() + ".log");
  }

  @Test
  void listsRecentBuildsNewestFirst() throws Exception {
    BuildRecord first = store.enqueue(Builds.review("gerrit.example.org", 1, 1), "");
    BuildRecord second = store.enqueue(Builds.review("gerrit.example.org", 2, 1), "");

    HttpResponse<String> all = get("/api/builds");
    assertEquals(200, all.statusCode());
    assertEquals("application/json; charset=utf-8", contentType(all));
    JsonNode builds = mapper.readTree(all.body());
    assertEquals(2, builds.size());
    assertEquals(second.buildId(), builds.get(0).get("id").asText());
    assertEquals(first.buildId(), builds.get(1).get("id").asText());

    JsonNode one = mapper.readTree(get("/api/builds?limit=1").body());
    assertEquals(1, one.size());
    assertError(get("/api/builds?limit=many"), 400, "limit must be a number from 1 to 1000");
    assertError(get("/api/builds?limit=0"), 400, "limit must be a number from 1 to 1000");
  }

  @Test
  void showsOneBuildWithEveryField() throws Exception {
    BuildRecord build = store.enqueue(Builds.review("gerrit.example.org", 4242, 3), "/srv/r/4242");
    store.start(build.id(), clock.instant().plusSeconds(1));
    store.finish(
        build.id(),
        BuildState.FAILED,
        clock.instant().plusSeconds(61),
        Optional.of("/x.log"),
        "failed");
    store.recordVote(build.id(), -1);

    HttpResponse<String> response = get("/api/builds/" + build.buildId());
    assertEquals(200, response.statusCode());
    NewBuild request = build.request();
    assertEquals(
        mapper.readTree(
            "{\"id\":\""
                + build.buildId()
                + "\",\"state\":\"FAILED\",\"trigger\":\"REVIEW\","
                + "\"gerritServer\":\"gerrit.example.org\",\"change\":4242,\"patchset\":3,"
                + "\"project\":\"packages/nginx\",\"branch\":\"mos10.0\",\"customer\":\"acme\","
                + "\"release\":\"mos10.0\",\"dist\":\"bookworm\",\"package\":\"nginx\","
                + "\"codeCommit\":\""
                + request.codeCommit()
                + "\",\"specCommit\":null,\"environmentId\":\"bookworm-20260101\","
                + "\"repository\":\"/srv/r/4242\",\"createdAt\":\"2026-03-01T10:00:00Z\","
                + "\"startedAt\":\"2026-03-01T10:00:01Z\",\"finishedAt\":\"2026-03-01T10:01:01Z\","
                + "\"summary\":\"failed\",\"vote\":-1,\"log\":\"/api/builds/"
                + build.buildId()
                + "/log\"}"),
        mapper.readTree(response.body()));

    assertError(get("/api/builds/b999"), 404, "no build b999");
    assertError(get("/api/builds/nonsense"), 404, "no build nonsense");
  }

  @Test
  void servesTheWholeLogOfABuildThatEnded() throws Exception {
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    store.start(build.id(), clock.instant());
    Files.writeString(logOf(build), "dpkg-buildpackage: info: source package nginx\nbuilt\n");
    store.finish(build.id(), BuildState.SUCCEEDED, clock.instant(), Optional.empty(), "built");

    HttpResponse<String> response = get("/api/builds/" + build.buildId() + "/log");
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; charset=utf-8", contentType(response));
    assertEquals(
        Optional.of(String.valueOf(Files.size(logOf(build)))),
        response.headers().firstValue("content-length"));
    assertEquals("dpkg-buildpackage: info: source package nginx\nbuilt\n", response.body());
  }

  @Test
  void aBuildWithoutALogAnswers404() throws Exception {
    BuildRecord queued = store.enqueue(Builds.manual("abc1234"), "");
    assertError(
        get("/api/builds/" + queued.buildId() + "/log"),
        404,
        "build " + queued.buildId() + " is queued and has no log yet");

    BuildRecord cancelled = store.enqueue(Builds.manual("abc1234"), "");
    store.finish(cancelled.id(), BuildState.CANCELLED, clock.instant(), Optional.empty(), "");
    assertError(
        get("/api/builds/" + cancelled.buildId() + "/log"),
        404,
        "the log of build " + cancelled.buildId() + " is gone");
    assertError(get("/api/builds/b999/log"), 404, "no build b999");
  }

  @Test
  void followsTheLogOfARunningBuildUntilItEnds() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
          store.start(build.id(), clock.instant());
          Path log = logOf(build);
          Files.writeString(log, "line 1\n");

          HttpResponse<InputStream> response =
              client.send(
                  request("/api/builds/" + build.buildId() + "/log").build(),
                  BodyHandlers.ofInputStream());
          assertEquals(200, response.statusCode());
          assertEquals("text/plain; charset=utf-8", contentType(response));
          assertEquals(Optional.empty(), response.headers().firstValue("content-length"));
          try (BufferedReader lines =
              new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("line 1", lines.readLine());
            // Each line is read before the next is written: the client sees the log as it grows.
            append(log, "line 2\n");
            assertEquals("line 2", lines.readLine());
            append(log, "line 3 with ünïcode\nline 4\n");
            assertEquals("line 3 with ünïcode", lines.readLine());
            assertEquals("line 4", lines.readLine());
            append(log, "the last line\n");
            store.finish(build.id(), BuildState.SUCCEEDED, clock.instant(), Optional.empty(), "");
            assertEquals("the last line", lines.readLine());
            assertNull(lines.readLine(), "the response ends once the build ended");
          }
        });
  }

  @Test
  void followsALogThatTheBuildCreatesOnlyLater() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
          store.start(build.id(), clock.instant());
          HttpResponse<InputStream> response =
              client.send(
                  request("/api/builds/" + build.buildId() + "/log").build(),
                  BodyHandlers.ofInputStream());
          try (BufferedReader lines =
              new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            Files.writeString(logOf(build), "started\n");
            assertEquals("started", lines.readLine());
            store.finish(build.id(), BuildState.FAILED, clock.instant(), Optional.empty(), "");
            assertNull(lines.readLine());
          }
        });
  }

  @Test
  void closingTheServerEndsALiveLog() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
          store.start(build.id(), clock.instant());
          Files.writeString(logOf(build), "running\n");
          HttpResponse<InputStream> response =
              client.send(
                  request("/api/builds/" + build.buildId() + "/log").build(),
                  BodyHandlers.ofInputStream());
          try (BufferedReader lines =
              new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("running", lines.readLine());
            server.close();
            try {
              assertNull(lines.readLine());
            } catch (IOException e) {
              // A connection cut mid-chunk ends the response just as well.
            }
          }
        });
  }

  @Test
  void aManualBuildIsScheduledAndLocated() throws Exception {
    HttpResponse<String> response =
        post(
            "/api/builds",
            "{\"project\":\"openstack/nova\",\"branch\":\"master\",\"commit\":\"ABCDEF1234\"}");
    assertEquals(201, response.statusCode(), response.body());
    JsonNode build = mapper.readTree(response.body());
    String id = build.get("id").asText();
    assertEquals(Optional.of("/api/builds/" + id), response.headers().firstValue("location"));
    assertEquals(BuildTrigger.MANUAL.name(), build.get("trigger").asText());
    assertEquals("abcdef1234", build.get("codeCommit").asText());
    assertEquals(
        List.of(new ManualBuildRequest("openstack/nova", "master", Optional.of("abcdef1234"))),
        manualRequests);
    assertEquals(200, get("/api/builds/" + id).statusCode());

    assertEquals(
        201, post("/api/builds", "{\"project\":\"a/b\",\"branch\":\"main\"}").statusCode());
    assertEquals(Optional.empty(), manualRequests.get(1).commit());
  }

  @Test
  void badManualBuildRequestsAnswer400WithTheReason() throws Exception {
    assertError(post("/api/builds", "{\"project\":"), 400, "the body is not JSON: ");
    assertError(post("/api/builds", "[1, 2]"), 400, "the body must be a JSON object");
    assertError(post("/api/builds", ""), 400, "the body must be a JSON object");
    assertError(post("/api/builds", "{\"branch\":\"master\"}"), 400, "project is missing");
    assertError(post("/api/builds", "{\"project\":\"a/b\"}"), 400, "branch is missing");
    assertError(
        post("/api/builds", "{\"project\":42,\"branch\":\"master\"}"),
        400,
        "project must be a string");
    assertError(
        post("/api/builds", "{\"project\":\"a b\",\"branch\":\"master\"}"),
        400,
        "project must be a Gerrit project name");
    assertError(
        post("/api/builds", "{\"project\":\"a/b\",\"branch\":\"master\",\"commit\":\"HEAD\"}"),
        400,
        "commit must be 7 to 64 hexadecimal digits");
    assertError(
        post("/api/builds", "{\"project\":\"a/b\",\"branch\":\"master\",\"ref\":\"x\"}"),
        400,
        "unknown field ref");
    assertEquals(List.of(), manualRequests);
    assertError(
        post("/api/builds", "{\"project\":\"unknown/project\",\"branch\":\"master\"}"),
        400,
        "Perestroika builds no project unknown/project");
    assertEquals(List.of(), store.recent(10));
  }

  @Test
  void theWebhookGetsHeadersAndBodyAndAnswersByOutcome() throws Exception {
    String event = "{\"type\":\"patchset-created\"}";
    HttpResponse<String> accepted =
        client.send(
            request("/webhook/gerrit")
                .header("X-Gerrit-Secret", SECRET)
                .POST(BodyPublishers.ofString(event))
                .build(),
            BodyHandlers.ofString());
    assertEquals(202, accepted.statusCode());
    assertEquals("accepted", mapper.readTree(accepted.body()).get("status").asText());
    Delivery delivery = deliveries.get(0);
    assertEquals(event, new String(delivery.body(), StandardCharsets.UTF_8));
    assertEquals(List.of(SECRET), delivery.headers().get("X-GERRIT-SECRET"));

    assertError(post("/webhook/gerrit", event), 401, "the webhook secret is missing or wrong");
    assertError(
        client.send(
            request("/webhook/gerrit")
                .header("X-Gerrit-Secret", SECRET)
                .POST(BodyPublishers.ofString("nonsense"))
                .build(),
            BodyHandlers.ofString()),
        400,
        "the body is not a Gerrit event");
    assertError(get("/webhook/gerrit"), 405, "GET is not allowed on /webhook/gerrit; use POST");
    assertError(
        client.send(
            request("/webhook/gerrit")
                .header("X-No-Secret-Configured", "yes")
                .POST(BodyPublishers.ofString(event))
                .build(),
            BodyHandlers.ofString()),
        404,
        "the webhook is not enabled: set scheduler.webhook-secret-file");
  }

  @Test
  void healthIsUpOnlyWhenEveryCheckIs() throws Exception {
    HttpResponse<String> up = get("/healthz");
    assertEquals(200, up.statusCode());
    assertEquals(
        mapper.readTree(
            "{\"status\":\"up\",\"checks\":{"
                + "\"gerrit.example.org\":{\"up\":true,\"detail\":\"connected\"},"
                + "\"database\":{\"up\":true,\"detail\":\"reachable\"}}}"),
        mapper.readTree(up.body()));

    gerrit.set(Health.down("reconnecting since 10:02"));
    HttpResponse<String> down = get("/healthz");
    assertEquals(503, down.statusCode());
    JsonNode json = mapper.readTree(down.body());
    assertEquals("down", json.get("status").asText());
    assertEquals(
        "reconnecting since 10:02",
        json.get("checks").get("gerrit.example.org").get("detail").asText());

    gerrit.set(null);
    assertEquals(503, get("/healthz").statusCode());
  }

  @Test
  void metricsAreServedInTheTextFormat() throws Exception {
    store.enqueue(Builds.manual("abc1234"), "");
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", contentType(response));
    assertEquals(metrics.exposition(), response.body());
    assertTrue(response.body().contains("\nperestroika_builds_queued 1\n"), response.body());
  }

  @Test
  void unknownPathsWrongMethodsAndHugeBodiesAreJsonErrors() throws Exception {
    assertError(get("/nothing/here"), 404, "no such resource: GET /nothing/here");
    assertError(get("/api/builds/b1/log/more"), 404, "no such resource");
    HttpResponse<String> wrong =
        client.send(request("/api/builds").DELETE().build(), BodyHandlers.ofString());
    assertError(wrong, 405, "DELETE is not allowed on /api/builds; use GET, POST");
    assertEquals(Optional.of("GET, POST"), wrong.headers().firstValue("allow"));
    assertError(post("/metrics", "x"), 405, "POST is not allowed on /metrics; use GET");
    assertError(
        post("/api/builds", "{\"project\":\"" + "x".repeat(70_000) + "\"}"),
        413,
        "the body is larger than 65536 bytes");
  }

  @Test
  void aTakenAddressIsReportedAsSuch() {
    ApiServer second =
        new ApiServer(
            new ApiConfig(server.address(), 1, Duration.ofMillis(20), Optional.empty()),
            store,
            BuildLogs.saved(),
            this::manualBuild,
            this::webhook,
            List.of(),
            new Metrics());
    EnvironmentException e = assertThrows(EnvironmentException.class, second::start);
    assertTrue(e.getMessage().startsWith("the HTTP API cannot listen on "), e.getMessage());
    assertTrue(e.getMessage().contains("is another scheduler running?"), e.getMessage());
  }

  @Test
  void addressesParseAsConfigurationGivesThem() {
    assertEquals(
        new InetSocketAddress("127.0.0.1", 8080), ApiConfig.parseAddress("127.0.0.1:8080"));
    assertEquals(new InetSocketAddress("::1", 9000), ApiConfig.parseAddress("[::1]:9000"));
    assertEquals(new InetSocketAddress(8081), ApiConfig.parseAddress(":8081"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseAddress("localhost"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseAddress("h:http"));
    assertThrows(IllegalArgumentException.class, () -> ApiConfig.parseAddress("h:70000"));
    assertEquals(new InetSocketAddress("127.0.0.1", 8080), ApiConfig.defaults().address());
  }

  private HttpRequest.Builder request(String path) {
    InetSocketAddress address = server.address();
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path))
        .timeout(Duration.ofSeconds(20));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(request(path).build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return client.send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(body))
            .build(),
        BodyHandlers.ofString());
  }

  private void assertError(HttpResponse<String> response, int status, String messageStart)
      throws IOException {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals("application/json; charset=utf-8", contentType(response));
    JsonNode json = mapper.readTree(response.body());
    assertEquals(1, json.size(), response.body());
    String message = json.get("error").asText();
    assertTrue(message.startsWith(messageStart), message);
  }

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("content-type").orElse("");
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }
}
