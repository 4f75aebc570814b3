package org.perestroika.scheduler.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.EnvironmentException;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's HTTP API on the JDK's own server: builds and their logs (followed live while a
 * build runs), manual builds, Gerrit's webhook, health, metrics and, when configured, the published
 * repositories under {@code /repos/}. Every error is a JSON object {@code {"error": "..."}}.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  static final int DEFAULT_RECENT = 50;
  static final int MAX_RECENT = 1000;
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  static final int MAX_WEBHOOK_BYTES = 1024 * 1024;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Pattern BUILD = Pattern.compile("/api/builds/([^/]+)");
  private static final Pattern BUILD_LOG = Pattern.compile("/api/builds/([^/]+)/log");
  private static final Set<String> MANUAL_FIELDS = Set.of("project", "branch", "commit");

  private final ApiConfig config;
  private final BuildStore store;
  private final BuildLogs logs;
  private final ManualBuilds manualBuilds;
  private final GerritWebhook webhook;
  private final List<HealthCheck> healthChecks;
  private final Metrics metrics;
  private final Optional<RepositoryFiles> repositories;
  private final ObjectMapper mapper = new ObjectMapper();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean closing;
  private HttpServer server;
  private ExecutorService threads;

  public ApiServer(
      ApiConfig config,
      BuildStore store,
      BuildLogs logs,
      ManualBuilds manualBuilds,
      GerritWebhook webhook,
      List<HealthCheck> healthChecks,
      Metrics metrics) {
    this.config = Objects.requireNonNull(config, "config");
    this.store = Objects.requireNonNull(store, "store");
    this.logs = Objects.requireNonNull(logs, "logs");
    this.manualBuilds = Objects.requireNonNull(manualBuilds, "manualBuilds");
    this.webhook = Objects.requireNonNull(webhook, "webhook");
    this.healthChecks = List.copyOf(healthChecks);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.repositories = config.repositories().map(RepositoryFiles::new);
    Set<String> names = new HashSet<>();
    for (HealthCheck check : this.healthChecks) {
      if (!names.add(check.name())) {
        throw new IllegalArgumentException("two health checks are named " + check.name());
      }
    }
  }

  /**
   * Starts listening.
   *
   * @throws EnvironmentException when the address cannot be bound, e.g. because it is in use
   */
  public synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("the HTTP API is started already");
    }
    try {
      server = HttpServer.create(config.address(), 0);
    } catch (BindException e) {
      throw new EnvironmentException(
          "the HTTP API cannot listen on "
              + config.address()
              + ": "
              + e.getMessage()
              + "; is another scheduler running? Otherwise choose another address",
          false,
          e);
    } catch (IOException e) {
      throw new EnvironmentException(
          "the HTTP API cannot listen on " + config.address() + ": " + e.getMessage(), true, e);
    }
    AtomicInteger number = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            config.threads(),
            config.threads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            work -> {
              Thread thread = new Thread(work, "http-" + number.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.allowCoreThreadTimeOut(true);
    threads = pool;
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    log.info("HTTP API listening on {}", address());
  }

  /** The address listened on, with the port chosen when the configured one was 0. */
  public synchronized InetSocketAddress address() {
    if (server == null) {
      throw new IllegalStateException("the HTTP API is not started");
    }
    return server.getAddress();
  }

  /**
   * Stops listening after the requests being served have been answered (for at most a few seconds);
   * live logs being followed end within one poll interval.
   */
  @Override
  public synchronized void close() {
    closing = true;
    if (server == null) {
      return;
    }
    // The JDK's own stop(delay) waits out the whole delay even when nothing is in flight, so the
    // wait for requests in flight is done here and the server then stopped at once.
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    server.stop(0);
    threads.shutdownNow();
    server = null;
  }

  private void handle(HttpExchange exchange) {
    inFlight.incrementAndGet();
    try (exchange) {
      try {
        route(exchange);
      } catch (HttpProblem problem) {
        sendError(exchange, problem.status(), problem.getMessage());
      } catch (EnvironmentException e) {
        log.warn("{} {} failed: {}", exchange.getRequestMethod(), path(exchange), e.getMessage());
        sendError(exchange, e.retryable() ? 503 : 500, e.getMessage());
      } catch (RuntimeException e) {
        log.error("{} {} failed", exchange.getRequestMethod(), path(exchange), e);
        sendError(exchange, 500, "internal error: " + e);
      }
    } catch (IOException e) {
      // The client went away; there is no one left to tell.
      log.debug("{} {}: {}", exchange.getRequestMethod(), path(exchange), e.toString());
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = path(exchange);
    String method = exchange.getRequestMethod();
    Matcher build = BUILD.matcher(path);
    Matcher buildLog = BUILD_LOG.matcher(path);
    if (path.equals("/api/builds")) {
      switch (allow(exchange, "GET", "POST")) {
        case "GET" -> listBuilds(exchange);
        default -> requestBuild(exchange);
      }
    } else if (build.matches()) {
      allow(exchange, "GET");
      showBuild(exchange, build.group(1));
    } else if (buildLog.matches()) {
      allow(exchange, "GET");
      sendLog(exchange, buildLog.group(1));
    } else if (path.equals("/webhook/gerrit")) {
      allow(exchange, "POST");
      receiveWebhook(exchange);
    } else if (path.equals("/healthz")) {
      allow(exchange, "GET");
      health(exchange);
    } else if (path.equals("/metrics")) {
      allow(exchange, "GET");
      send(
          exchange,
          200,
          Metrics.CONTENT_TYPE,
          metrics.exposition().getBytes(StandardCharsets.UTF_8));
    } else if (path.startsWith(RepositoryFiles.PREFIX) && repositories.isPresent()) {
      allow(exchange, "GET", "HEAD");
      repositories.get().serve(exchange);
    } else {
      throw new HttpProblem(404, "no such resource: " + method + " " + path);
    }
  }

  /** The request's method when it is one of {@code methods}; a 405 naming them otherwise. */
  private static String allow(HttpExchange exchange, String... methods) {
    String method = exchange.getRequestMethod();
    for (String allowed : methods) {
      if (allowed.equals(method)) {
        return method;
      }
    }
    String list = String.join(", ", methods);
    exchange.getResponseHeaders().set("Allow", list);
    throw new HttpProblem(405, method + " is not allowed on " + path(exchange) + "; use " + list);
  }

  private void listBuilds(HttpExchange exchange) throws IOException {
    int limit = DEFAULT_RECENT;
    String given = query(exchange).get("limit");
    if (given != null) {
      try {
        limit = Integer.parseInt(given);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_RECENT) {
        throw new HttpProblem(
            400, "limit must be a number from 1 to " + MAX_RECENT + ", not \"" + given + "\"");
      }
    }
    ArrayNode array = mapper.createArrayNode();
    for (BuildRecord record : store.recent(limit)) {
      array.add(BuildJson.of(mapper, record));
    }
    sendJson(exchange, 200, array);
  }

  private void showBuild(HttpExchange exchange, String buildId) throws IOException {
    sendJson(exchange, 200, BuildJson.of(mapper, find(buildId)));
  }

  private BuildRecord find(String buildId) {
    return store
        .getByBuildId(buildId)
        .orElseThrow(() -> new HttpProblem(404, "no build " + buildId));
  }

  private void requestBuild(HttpExchange exchange) throws IOException {
    JsonNode body;
    try {
      body = mapper.readTree(readBody(exchange, MAX_REQUEST_BYTES));
    } catch (JsonProcessingException e) {
      throw new HttpProblem(400, "the body is not JSON: " + e.getOriginalMessage());
    }
    if (body == null || !body.isObject()) {
      throw new HttpProblem(
          400, "the body must be a JSON object with project, branch and optionally commit");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MANUAL_FIELDS.contains(name)) {
        throw new HttpProblem(
            400, "unknown field " + name + "; a build takes project, branch and commit");
      }
    }
    ManualBuildRequest request;
    try {
      request =
          new ManualBuildRequest(
              text(body, "project").orElseThrow(() -> new HttpProblem(400, "project is missing")),
              text(body, "branch").orElseThrow(() -> new HttpProblem(400, "branch is missing")),
              text(body, "commit"));
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, e.getMessage());
    }
    ManualBuildOutcome outcome = manualBuilds.request(request);
    if (outcome instanceof ManualBuildOutcome.Scheduled scheduled) {
      BuildRecord build = scheduled.build();
      exchange.getResponseHeaders().set("Location", "/api/builds/" + build.buildId());
      sendJson(exchange, 201, BuildJson.of(mapper, build));
    } else if (outcome instanceof ManualBuildOutcome.Rejected rejected) {
      throw new HttpProblem(400, rejected.reason());
    } else {
      throw new IllegalStateException("unknown outcome " + outcome);
    }
  }

  private static Optional<String> text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new HttpProblem(400, field + " must be a string");
    }
    return Optional.of(value.textValue());
  }

  private void receiveWebhook(HttpExchange exchange) throws IOException {
    byte[] body = readBody(exchange, MAX_WEBHOOK_BYTES);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
    WebhookOutcome outcome = webhook.receive(Collections.unmodifiableMap(headers), body);
    if (outcome instanceof WebhookOutcome.Accepted) {
      ObjectNode json = mapper.createObjectNode();
      json.put("status", "accepted");
      sendJson(exchange, 202, json);
    } else if (outcome instanceof WebhookOutcome.Disabled) {
      throw new HttpProblem(
          404,
          "the webhook is not enabled: set scheduler.webhook-secret-file to a file holding the"
              + " shared secret, and send it in X-Perestroika-Secret");
    } else if (outcome instanceof WebhookOutcome.BadSecret) {
      throw new HttpProblem(401, "the webhook secret is missing or wrong");
    } else if (outcome instanceof WebhookOutcome.Malformed malformed) {
      throw new HttpProblem(400, malformed.reason());
    } else {
      throw new IllegalStateException("unknown outcome " + outcome);
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    boolean allUp = true;
    ObjectNode checks = mapper.createObjectNode();
    for (HealthCheck check : healthChecks) {
      Health health;
      try {
        health = Objects.requireNonNull(check.probe().get(), "the probe returned null");
      } catch (RuntimeException e) {
        health = Health.down("the check failed: " + e);
      }
      allUp &= health.up();
      ObjectNode json = checks.putObject(check.name());
      json.put("up", health.up());
      json.put("detail", health.detail());
    }
    ObjectNode json = mapper.createObjectNode();
    json.put("status", allUp ? "up" : "down");
    json.set("checks", checks);
    sendJson(exchange, allUp ? 200 : 503, json);
  }

  private void sendLog(HttpExchange exchange, String buildId) throws IOException {
    BuildRecord build = find(buildId);
    if (build.state() == BuildState.QUEUED) {
      throw new HttpProblem(404, "build " + buildId + " is queued and has no log yet");
    }
    Path file =
        logs.logOf(build)
            .orElseThrow(() -> new HttpProblem(404, "build " + buildId + " has no log"));
    if (build.state() == BuildState.RUNNING) {
      follow(exchange, build, file);
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      exchange.getResponseHeaders().set("Content-Type", TEXT);
      exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
      if (size > 0) {
        try (OutputStream body = exchange.getResponseBody()) {
          copy(channel, body, size);
        }
      }
    } catch (NoSuchFileException e) {
      throw new HttpProblem(404, "the log of build " + buildId + " is gone");
    }
  }

  /**
   * Streams the log of a running build as it grows, in chunks, until the build ended. The state is
   * read before each pass over the file, so the last pass starts after the end was recorded and
   * sends every line written before it.
   */
  private void follow(HttpExchange exchange, BuildRecord build, Path file) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", TEXT);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0);
    SeekableByteChannel channel = null;
    try (OutputStream body = exchange.getResponseBody()) {
      while (true) {
        boolean ended = store.get(build.id()).map(b -> b.state().isFinal()).orElse(true);
        if (channel == null) {
          channel = openIfPresent(file);
        }
        if (channel != null) {
          long available = channel.size() - channel.position();
          if (available > 0) {
            copy(channel, body, available);
            body.flush();
          }
        }
        if (ended || closing) {
          return;
        }
        try {
          Thread.sleep(config.logPollInterval().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    } finally {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static SeekableByteChannel openIfPresent(Path file) throws IOException {
    try {
      return Files.newByteChannel(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      // The dispatcher has not created it yet.
      return null;
    }
  }

  /** Copies exactly {@code length} bytes from the channel's position, or what there is of them. */
  private static void copy(SeekableByteChannel channel, OutputStream out, long length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long left = length;
    while (left > 0) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), left));
      int read = channel.read(buffer);
      if (read < 0) {
        return;
      }
      out.write(buffer.array(), 0, read);
      left -= read;
    }
  }

  private static byte[] readBody(HttpExchange exchange, int limit) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        throw new HttpProblem(413, "the body is larger than " + limit + " bytes");
      }
      return body;
    }
  }

  private void sendJson(HttpExchange exchange, int status, JsonNode json) throws IOException {
    send(exchange, status, JSON, mapper.writeValueAsBytes(json));
  }

  private void sendError(HttpExchange exchange, int status, String message) throws IOException {
    if (exchange.getResponseCode() != -1) {
      // The headers went out already (a live log); all that can be done is to end it.
      return;
    }
    Map<String, String> error = new LinkedHashMap<>();
    error.put("error", message);
    send(exchange, status, JSON, mapper.writeValueAsBytes(error));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String path(HttpExchange exchange) {
    return exchange.getRequestURI().getRawPath();
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> parameters = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      try {
        parameters.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new HttpProblem(400, "the query is not well encoded: " + e.getMessage());
      }
    }
    return parameters;
  }
}
