package org.perestroika.testing.jenkins;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake Jenkins on loopback that follows the documented remote access API for what the
 * farm uses, answers from scripted runs and records every request.
 *
 * <p>What it serves, below {@link #baseUrl()} (which has a {@code /jenkins/} context path, as many
 * installations do, so clients cannot get away with root-relative paths):
 *
 * <ul>
 *   <li>Basic authentication with the user and API token it was started with: no credentials get
 *       403 (anonymous has no read access), wrong ones 401.
 *   <li>{@code GET crumbIssuer/api/json}: a crumb bound to the web session (a cookie it sets), or
 *       404 when CSRF protection is off. With protection on, every POST without the session's crumb
 *       in the {@value #CRUMB_FIELD} header gets 403.
 *   <li>{@code POST job/NAME/buildWithParameters}: 201 with {@code Location: BASE/queue/item/N/}, N
 *       counting from 100 so queue ids and build numbers never coincide; 404 for an unknown job.
 *   <li>{@code GET queue/item/N/api/json}: no executable while waiting, then {@code executable}
 *       with the build's number and URL, or {@code cancelled: true}.
 *   <li>{@code POST queue/cancelItem?id=N}: 204 while the item waits, 404 once it left the queue.
 *   <li>{@code GET job/NAME/B/api/json}: {@code building}, {@code result}, {@code duration} and,
 *       once ended, {@code artifacts} with their {@code relativePath}.
 *   <li>{@code GET job/NAME/B/logText/progressiveText?start=K}: the console from byte K, with
 *       {@code X-Text-Size} and, while the build runs, {@code X-More-Data: true}. The console grows
 *       byte by byte over the run, so chunks end inside lines and inside UTF-8 characters.
 *   <li>{@code GET job/NAME/B/artifact/PATH} and {@code POST job/NAME/B/stop} (302, as Jenkins).
 * </ul>
 *
 * Folder jobs ({@code job/a/job/b/}) are served under the full name {@code a/b}.
 */
public final class JenkinsStub implements AutoCloseable {
  public static final String CRUMB_FIELD = "Jenkins-Crumb";

  private static final String CONTEXT = "/jenkins/";
  private static final String SESSION_COOKIE = "JSESSIONID.0a1b2c3d";
  private static final Pattern QUEUE_ITEM = Pattern.compile("queue/item/(\\d+)/api/json");
  private static final Pattern BUILD_PATH = Pattern.compile("(\\d+)/(.*)");

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI base;
  private final String user;
  private final String apiToken;
  private final SecureRandom random = new SecureRandom();
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();

  // Guarded by this.
  private boolean csrfProtection = true;
  private int failureStatus;
  private long nextQueueId = 100;
  private final Map<String, String> crumbsBySession = new HashMap<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<Long, QueueEntry> queue = new LinkedHashMap<>();
  private final List<RecordedRequest> requests = new ArrayList<>();

  private JenkinsStub(String user, String apiToken) throws IOException {
    this.user = user;
    this.apiToken = apiToken;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "jenkins-stub");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + CONTEXT);
  }

  /**
   * Starts a stub on an ephemeral loopback port that accepts {@code user} with {@code apiToken}.
   */
  public static JenkinsStub start(String user, String apiToken) {
    try {
      return new JenkinsStub(user, apiToken);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Jenkins stub", e);
    }
  }

  /** The root URL, ending in {@code /}, as Jenkins' "Jenkins URL" setting would give it. */
  public URI baseUrl() {
    return base;
  }

  /** Turns CSRF protection (the crumb issuer) on, the default, or off. */
  public synchronized void csrfProtection(boolean on) {
    csrfProtection = on;
  }

  /** Answers every request with {@code status} (such as 503 while Jenkins starts), or 0 to stop. */
  public synchronized void failEveryRequestWith(int status) {
    failureStatus = status;
  }

  /** Creates the job if needed and queues {@code run} as the outcome of its next trigger. */
  public synchronized void script(String job, ScriptedRun run) {
    jobs.computeIfAbsent(job, Job::new).scripts.addLast(run);
  }

  /** Every request received so far, in order. */
  public synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** Waits until a request matching {@code matcher} has been received, and returns the first. */
  public synchronized RecordedRequest awaitRequest(
      Predicate<RecordedRequest> matcher, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<RecordedRequest> found = requests.stream().filter(matcher).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching request within " + timeout + "; got " + requests);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** The most builds that were triggered and had not yet ended (or left the queue) at one time. */
  public synchronized int maxInFlight() {
    record Event(long at, int delta) {}
    List<Event> events = new ArrayList<>();
    for (QueueEntry entry : queue.values()) {
      long end =
          entry.cancelledAt != null
              ? entry.cancelledAt
              : entry.build != null ? entry.build.endsAt() : Long.MAX_VALUE;
      events.add(new Event(entry.triggeredAt, 1));
      events.add(new Event(end, -1));
    }
    // An end and a start at the same instant do not overlap.
    events.sort(Comparator.comparingLong(Event::at).thenComparingInt(Event::delta));
    int current = 0;
    int max = 0;
    for (Event event : events) {
      current += event.delta;
      max = Math.max(max, current);
    }
    return max;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      Map<String, String> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      Map<String, String> query = decodeForm(uri.getRawQuery());
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, String> form =
          headers.getOrDefault("content-type", "").startsWith("application/x-www-form-urlencoded")
              ? decodeForm(new String(body, StandardCharsets.UTF_8))
              : Map.of();
      String rawPath = uri.getRawPath();
      Reply reply;
      synchronized (this) {
        if (!rawPath.startsWith(CONTEXT)) {
          reply = Reply.text(404, "Not Found");
        } else {
          String path = rawPath.substring(CONTEXT.length());
          try {
            reply = answer(method, path, query, form, headers);
          } catch (RuntimeException e) {
            // A fault in the stub shows up in the test as an answer, not as a dropped connection.
            reply = Reply.text(500, "stub failure: " + e);
          }
        }
        String below = rawPath.startsWith(CONTEXT) ? rawPath.substring(CONTEXT.length()) : rawPath;
        requests.add(
            new RecordedRequest(method, decodePath(below), query, form, headers, reply.status()));
        notifyAll();
      }
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      if (reply.contentType() != null) {
        exchange.getResponseHeaders().add("Content-Type", reply.contentType());
      }
      byte[] out = reply.body();
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    } catch (IOException e) {
      // The client went away; the next request is answered anew.
    }
  }

  private Reply answer(
      String method,
      String rawPath,
      Map<String, String> query,
      Map<String, String> form,
      Map<String, String> headers) {
    if (failureStatus != 0) {
      return Reply.text(failureStatus, "Jenkins is getting ready to work");
    }
    Optional<String> credentials = basicCredentials(headers.get("authorization"));
    if (credentials.isEmpty()) {
      return Reply.text(403, "Access denied: anonymous lacks Overall/Read")
          .with("X-You-Are-Authenticated-As", "anonymous");
    }
    if (!credentials.get().equals(user + ":" + apiToken)) {
      return Reply.text(401, "Invalid password/token for user");
    }
    long now = System.nanoTime();
    advance(now);
    String session = session(headers.get("cookie"));
    if (rawPath.equals("crumbIssuer/api/json") && method.equals("GET")) {
      return crumb(session);
    }
    if (method.equals("POST") && csrfProtection) {
      String expected = session == null ? null : crumbsBySession.get(session);
      String sent = headers.get(CRUMB_FIELD.toLowerCase(Locale.ROOT));
      if (expected == null || !expected.equals(sent)) {
        return Reply.text(403, "No valid crumb was included in the request");
      }
    }
    Matcher item = QUEUE_ITEM.matcher(rawPath);
    if (item.matches() && method.equals("GET")) {
      QueueEntry entry = queue.get(Long.parseLong(item.group(1)));
      return entry == null ? Reply.text(404, "Not Found") : Reply.json(queueItemJson(entry));
    }
    if (rawPath.equals("queue/cancelItem") && method.equals("POST")) {
      return cancelItem(query.getOrDefault("id", form.get("id")), now);
    }
    if (rawPath.startsWith("job/")) {
      return jobRequest(method, rawPath, query, form, now);
    }
    return Reply.text(404, "Not Found");
  }

  private Reply crumb(String session) {
    if (!csrfProtection) {
      return Reply.text(404, "Not Found");
    }
    if (session == null) {
      // Like Jenkins, the crumb belongs to a web session that the first request opens.
      String opened = HexFormat.of().formatHex(randomBytes());
      return crumbReply(opened)
          .with("Set-Cookie", SESSION_COOKIE + "=" + opened + "; Path=" + CONTEXT + "; HttpOnly");
    }
    return crumbReply(session);
  }

  private Reply crumbReply(String session) {
    String crumb =
        crumbsBySession.computeIfAbsent(session, s -> HexFormat.of().formatHex(randomBytes()));
    return Reply.json(
        "{\"_class\":\"hudson.security.csrf.DefaultCrumbIssuer\",\"crumb\":"
            + quote(crumb)
            + ",\"crumbRequestField\":"
            + quote(CRUMB_FIELD)
            + "}");
  }

  private Reply cancelItem(String id, long now) {
    QueueEntry entry = null;
    if (id != null && id.matches("\\d{1,18}")) {
      entry = queue.get(Long.parseLong(id));
    }
    if (entry == null || entry.build != null || entry.cancelledAt != null) {
      return Reply.text(404, "Provided id (" + id + ") not found");
    }
    entry.cancelledAt = now;
    return Reply.text(204, "");
  }

  private Reply jobRequest(
      String method,
      String rawPath,
      Map<String, String> query,
      Map<String, String> form,
      long now) {
    List<String> parts = new ArrayList<>(Arrays.asList(rawPath.split("/", -1)));
    List<String> names = new ArrayList<>();
    while (parts.size() >= 2 && parts.get(0).equals("job")) {
      names.add(URLDecoder.decode(parts.get(1), StandardCharsets.UTF_8));
      parts.subList(0, 2).clear();
    }
    Job job = jobs.get(String.join("/", names));
    if (job == null) {
      return Reply.text(404, "Not Found");
    }
    String rest = String.join("/", parts);
    if (rest.equals("buildWithParameters")) {
      if (!method.equals("POST")) {
        return Reply.text(405, "Method Not Allowed");
      }
      return trigger(job, query, form, now);
    }
    Matcher m = BUILD_PATH.matcher(rest);
    if (!m.matches()) {
      return Reply.text(404, "Not Found");
    }
    int number = Integer.parseInt(m.group(1));
    if (number < 1 || number > job.builds.size()) {
      return Reply.text(404, "Not Found");
    }
    Build build = job.builds.get(number - 1);
    String action = m.group(2);
    if (method.equals("GET") && action.equals("api/json")) {
      return Reply.json(buildJson(build, now));
    }
    if (method.equals("GET") && action.equals("logText/progressiveText")) {
      return progressiveText(build, query.getOrDefault("start", "0"), now);
    }
    if (method.equals("GET") && action.startsWith("artifact/")) {
      byte[] content =
          build.ended(now) ? build.run.artifacts().get(decodePath(action.substring(9))) : null;
      return content == null
          ? Reply.text(404, "Not Found")
          : new Reply(200, Map.of(), content, "application/octet-stream");
    }
    if (method.equals("POST") && action.equals("stop")) {
      if (!build.ended(now)) {
        build.stoppedAt = now;
      }
      return Reply.text(302, "").with("Location", build.url());
    }
    return Reply.text(404, "Not Found");
  }

  private Reply trigger(Job job, Map<String, String> query, Map<String, String> form, long now) {
    ScriptedRun run = job.scripts.pollFirst();
    if (run == null) {
      return Reply.text(500, "the test scripted no run for job " + job.name);
    }
    Map<String, String> parameters = new LinkedHashMap<>(query);
    parameters.putAll(form);
    long id = nextQueueId++;
    queue.put(id, new QueueEntry(id, job, run, parameters, now));
    return Reply.text(201, "").with("Location", base + "queue/item/" + id + "/");
  }

  private Reply progressiveText(Build build, String start, long now) {
    byte[] text = build.console(now);
    long from = start.matches("\\d{1,18}") ? Long.parseLong(start) : 0;
    int offset = (int) Math.min(from, text.length);
    Reply reply =
        new Reply(
                200,
                Map.of(),
                Arrays.copyOfRange(text, offset, text.length),
                "text/plain;charset=UTF-8")
            .with("X-Text-Size", Integer.toString(text.length));
    return build.ended(now) ? reply : reply.with("X-More-Data", "true");
  }

  /** Starts waiting queue items whose delay passed, in queue order, as executors would. */
  private void advance(long now) {
    for (QueueEntry entry : queue.values()) {
      if (entry.build != null || entry.cancelledAt != null) {
        continue;
      }
      long readyAt = entry.triggeredAt + entry.run.queueDelay().toNanos();
      if (now < readyAt) {
        continue;
      }
      if (entry.run.cancelledInQueue()) {
        entry.cancelledAt = readyAt;
      } else {
        Build build = new Build(entry, entry.job.builds.size() + 1, readyAt);
        entry.job.builds.add(build);
        entry.build = build;
      }
    }
  }

  private String queueItemJson(QueueEntry entry) {
    StringBuilder json = new StringBuilder("{");
    boolean left = entry.build != null || entry.cancelledAt != null;
    json.append("\"_class\":")
        .append(quote(left ? "hudson.model.Queue$LeftItem" : "hudson.model.Queue$WaitingItem"));
    json.append(",\"actions\":[{\"_class\":\"hudson.model.ParametersAction\",\"parameters\":[");
    List<String> values = new ArrayList<>();
    entry.parameters.forEach(
        (name, value) ->
            values.add(
                "{\"_class\":\"hudson.model.StringParameterValue\",\"name\":"
                    + quote(name)
                    + ",\"value\":"
                    + quote(value)
                    + "}"));
    json.append(String.join(",", values)).append("]}]");
    json.append(",\"blocked\":false,\"buildable\":").append(!left);
    json.append(",\"id\":").append(entry.id);
    json.append(",\"inQueueSince\":").append(millis(entry.triggeredAt));
    json.append(",\"stuck\":false");
    json.append(",\"task\":{\"_class\":\"hudson.model.FreeStyleProject\",\"name\":")
        .append(quote(entry.job.name))
        .append(",\"url\":")
        .append(quote(entry.job.url()))
        .append("}");
    json.append(",\"url\":").append(quote("queue/item/" + entry.id + "/"));
    if (left) {
      json.append(",\"why\":null,\"cancelled\":").append(entry.cancelledAt != null);
      json.append(",\"executable\":");
      if (entry.build == null) {
        json.append("null");
      } else {
        json.append("{\"_class\":\"hudson.model.FreeStyleBuild\",\"number\":")
            .append(entry.build.number)
            .append(",\"url\":")
            .append(quote(entry.build.url()))
            .append("}");
      }
    } else {
      json.append(",\"why\":\"Waiting for next available executor\"");
    }
    return json.append("}").toString();
  }

  private String buildJson(Build build, long now) {
    boolean ended = build.ended(now);
    StringBuilder json = new StringBuilder("{\"_class\":\"hudson.model.FreeStyleBuild\"");
    json.append(",\"actions\":[]");
    json.append(",\"artifacts\":[");
    if (ended) {
      List<String> artifacts = new ArrayList<>();
      for (String path : build.run.artifacts().keySet()) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        artifacts.add(
            "{\"displayPath\":"
                + quote(name)
                + ",\"fileName\":"
                + quote(name)
                + ",\"relativePath\":"
                + quote(path)
                + "}");
      }
      json.append(String.join(",", artifacts));
    }
    json.append("]");
    json.append(",\"building\":").append(!ended);
    json.append(",\"description\":null");
    json.append(",\"displayName\":").append(quote("#" + build.number));
    json.append(",\"duration\":")
        .append(ended ? (build.endsAt() - build.startedAt) / 1_000_000 : 0);
    json.append(",\"estimatedDuration\":").append(build.run.duration().toMillis());
    json.append(",\"fullDisplayName\":").append(quote(build.entry.job.name + " #" + build.number));
    json.append(",\"id\":").append(quote(Integer.toString(build.number)));
    json.append(",\"number\":").append(build.number);
    json.append(",\"queueId\":").append(build.entry.id);
    json.append(",\"result\":").append(ended ? quote(build.result()) : "null");
    json.append(",\"timestamp\":").append(millis(build.startedAt));
    json.append(",\"url\":").append(quote(build.url()));
    json.append(",\"builtOn\":\"\",\"changeSet\":{\"items\":[],\"kind\":null}");
    return json.append("}").toString();
  }

  private long millis(long nanos) {
    return startMillis + (nanos - startNanos) / 1_000_000;
  }

  private byte[] randomBytes() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return bytes;
  }

  private static Optional<String> basicCredentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(header.substring(6).trim());
      return Optional.of(new String(decoded, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String session(String cookieHeader) {
    if (cookieHeader == null) {
      return null;
    }
    for (String cookie : cookieHeader.split(";")) {
      String[] pair = cookie.trim().split("=", 2);
      if (pair.length == 2 && pair[0].equals(SESSION_COOKIE)) {
        return pair[1];
      }
    }
    return null;
  }

  private static Map<String, String> decodeForm(String encoded) {
    Map<String, String> values = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      String[] kv = pair.split("=", 2);
      values.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return values;
  }

  private static String decodePath(String rawPath) {
    // URLDecoder would turn '+' into a space, which in a path it is not.
    return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encodeSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private final class Job {
    final String name;
    final Deque<ScriptedRun> scripts = new ArrayDeque<>();
    final List<Build> builds = new ArrayList<>();

    Job(String name) {
      this.name = name;
    }

    String url() {
      StringBuilder url = new StringBuilder(base.toString());
      for (String segment : name.split("/")) {
        url.append("job/").append(encodeSegment(segment)).append('/');
      }
      return url.toString();
    }
  }

  private static final class QueueEntry {
    final long id;
    final Job job;
    final ScriptedRun run;
    final Map<String, String> parameters;
    final long triggeredAt;
    Long cancelledAt;
    Build build;

    QueueEntry(long id, Job job, ScriptedRun run, Map<String, String> parameters, long at) {
      this.id = id;
      this.job = job;
      this.run = run;
      this.parameters = parameters;
      this.triggeredAt = at;
    }
  }

  private final class Build {
    final QueueEntry entry;
    final ScriptedRun run;
    final int number;
    final long startedAt;
    Long stoppedAt;

    Build(QueueEntry entry, int number, long startedAt) {
      this.entry = entry;
      this.run = entry.run;
      this.number = number;
      this.startedAt = startedAt;
    }

    long endsAt() {
      return stoppedAt != null ? stoppedAt : startedAt + run.duration().toNanos();
    }

    boolean ended(long now) {
      return now >= endsAt();
    }

    String result() {
      return stoppedAt != null ? "ABORTED" : run.result();
    }

    String url() {
      return entry.job.url() + number + "/";
    }

    byte[] console(long now) {
      byte[] full =
          String.join("", run.console().stream().map(l -> l + "\n").toList())
              .getBytes(StandardCharsets.UTF_8);
      if (stoppedAt != null && now >= stoppedAt) {
        byte[] shown = revealed(full, stoppedAt);
        boolean midLine = shown.length > 0 && shown[shown.length - 1] != '\n';
        String tail = (midLine ? "\n" : "") + "Aborted by " + user + "\nFinished: ABORTED\n";
        return concat(shown, tail.getBytes(StandardCharsets.UTF_8));
      }
      if (ended(now)) {
        return concat(full, ("Finished: " + run.result() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return revealed(full, now);
    }

    private byte[] revealed(byte[] full, long at) {
      long duration = Math.max(1, run.duration().toNanos());
      long shown =
          Math.min(full.length, (long) (full.length * ((at - startedAt) / (double) duration)));
      return Arrays.copyOf(full, (int) Math.max(0, shown));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private record Reply(int status, Map<String, String> headers, byte[] body, String contentType) {
    static Reply text(int status, String text) {
      return new Reply(
          status, Map.of(), text.getBytes(StandardCharsets.UTF_8), "text/plain;charset=UTF-8");
    }

    static Reply json(String json) {
      return new Reply(
          200, Map.of(), json.getBytes(StandardCharsets.UTF_8), "application/json;charset=utf-8");
    }

    Reply with(String header, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(header, value);
      return new Reply(status, more, body, contentType);
    }
  }
}
