package org.perestroika.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.testing.gerrit.GerritServer;
import org.perestroika.testing.gerrit.PushedChange;

/**
 * Push to vote through the farm as it runs: a real Gerrit server (testing-gerrit, in a JVM of its
 * own), {@code bin/perestroika scheduler} in a process of its own with local dispatch over the
 * Docker engine, and changes pushed with git over HTTP. For each run and each {@link Case}, one new
 * change is pushed and the clock runs from the moment {@code git push} returns until Gerrit shows
 * the farm's Verified vote on the patch set (polled every {@value #POLL_MS} ms over REST). Beside
 * it: the build container's lifetime as the builder logs it (created to removed), and the times of
 * the steps in between, from the scheduler's API (queued, started, finished), the builds directory
 * (the build's log, line by line) and the engine's event stream (container created, started, died,
 * destroyed).
 *
 * <p>Writes {@code run, case, measure, seconds} lines to samples.tsv, one line of stamps per push
 * to timeline.tsv and the outcome of each push to outcomes.tsv; run 0 is the warm-up. Stops Gerrit
 * and the scheduler and removes the scheduler's containers on the way out, also when interrupted.
 */
public final class PushToVote {
  static final String BRANCH = "10.0";
  static final String DEB_PROJECT = "acme/packages/fuel/debian/perestroika-hello";
  static final String RPM_PROJECT = "acme/packages/fuel/centos7/perestroika-hello-rpm";
  static final String BUILD_ID_LABEL = "org.perestroika.build-id";
  static final String OWNER_PID_LABEL = "org.perestroika.owner-pid";
  static final long POLL_MS = 100;
  static final Duration VOTE_TIMEOUT = Duration.ofMinutes(10);
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final Pattern CONTAINER_TIME =
      Pattern.compile("^perestroika: container time ([0-9.]+) s, created to removed$");
  private static final Pattern TOTAL_TIME =
      Pattern.compile("^perestroika: total time ([0-9.]+) s$");
  static final String LOG_TIME_PATTERN = "yyyy-MM-dd_HH:mm:ss.SSSZ";
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern(LOG_TIME_PATTERN);
  private static final Pattern COMMAND_LINE = Pattern.compile("^(\\S+) \\[DEBUG\\] running (.*)$");

  private final Path repo;
  private final Path work;
  private final Path out;
  private final int runs;
  private final Duration gap;
  private final Path buildsDir;
  private final Map<Case, Git> clones = new LinkedHashMap<>();

  private GerritServer gerrit;
  private Process scheduler;
  private Process events;
  private String api;
  private boolean cleanedUp;

  private PushToVote(Map<String, String> options) {
    repo = Path.of(options.get("repo")).toAbsolutePath().normalize();
    work = Path.of(options.get("work")).toAbsolutePath().normalize();
    out = Path.of(options.get("out")).toAbsolutePath().normalize();
    runs = Integer.parseInt(options.get("runs"));
    gap = Duration.ofMillis(Long.parseLong(options.get("gap-ms")));
    buildsDir = work.resolve("builds");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("runs", "5");
    options.put("gap-ms", "1000");
    List<String> known = new ArrayList<>(options.keySet());
    known.addAll(List.of("repo", "work", "out"));
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].replaceFirst("^--", "");
      if (!args[i].startsWith("--") || !known.contains(name) || i + 1 == args.length) {
        throw new IllegalArgumentException("usage: --repo DIR --work DIR --out DIR: " + known);
      }
      options.put(name, args[i + 1]);
    }
    for (String needed : List.of("repo", "work", "out")) {
      if (!options.containsKey(needed)) {
        throw new IllegalArgumentException("--" + needed + " DIR is needed");
      }
    }
    new PushToVote(options).run();
  }

  private void run() throws Exception {
    Thread cleanup = new Thread(this::cleanUp, "cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      Files.createDirectories(work);
      Files.createDirectories(out);
      events = dockerEvents();
      say("starting Gerrit");
      gerrit = GerritServer.start(work.resolve("gerrit"));
      seed();
      startScheduler();
      for (Case c : Case.values()) {
        String project = c.format.equals("deb") ? DEB_PROJECT : RPM_PROJECT;
        clones.put(c, Git.clone(gerrit, project, BRANCH, work.resolve("clones/" + c.label)));
      }
      List<Stamps> all = new ArrayList<>();
      try (PrintWriter samples = writer("samples.tsv");
          PrintWriter timeline = writer("timeline.tsv");
          PrintWriter outcomes = writer("outcomes.tsv");
          PrintWriter commands = writer("commands.tsv")) {
        timeline.println(String.join("\t", Stamps.COLUMNS));
        for (int run = 0; run <= runs; run++) {
          for (Case c : Case.values()) {
            Stamps stamps = measure(run, c);
            all.add(stamps);
            timeline.println(stamps.row());
            outcomes.println(stamps.outcome());
            for (Command command : stamps.commands) {
              commands.println(command.row(stamps));
            }
            print(samples, stamps, stamps.samples());
            samples.flush();
            timeline.flush();
            outcomes.flush();
            commands.flush();
            say(stamps.progress());
            Thread.sleep(gap.toMillis());
          }
        }
      }
      // The recording is complete once the scheduler has exited.
      cleanUp();
      Path recording = work.resolve("scheduler.jfr");
      if (Files.isRegularFile(recording)) {
        say("reading the scheduler's flight recording");
        FlightRecording jfr = FlightRecording.read(recording);
        try (PrintWriter samples = appending("samples.tsv")) {
          for (Stamps stamps : all) {
            Map<String, Double> measures = jfr.measures(stamps);
            Double before = stamps.samples().get("cmd:s7-publish:before-first-command");
            if (before != null) {
              // What the two waits the recording names leave of the publisher's Java prelude.
              measures.put(
                  "jfr:s7-publish:other-before-first-command",
                  before
                      - measures.getOrDefault("jfr:s7-publish:mirror-download", 0.0)
                      - measures.getOrDefault("jfr:s7-publish:read-packages", 0.0));
            }
            print(samples, stamps, measures);
          }
        }
      }
    } finally {
      cleanUp();
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // Shutting down already: the hook has run or is running.
      }
    }
  }

  private static void print(PrintWriter samples, Stamps stamps, Map<String, Double> measures) {
    measures.forEach(
        (measure, seconds) ->
            samples.printf(
                Locale.ROOT, "%d\t%s\t%s\t%.6f%n", stamps.run, stamps.c.label, measure, seconds));
  }

  /** Each project's branch holds its example before the scheduler starts, so it never builds it. */
  private void seed() throws IOException, InterruptedException {
    Path examples = repo.resolve("examples");
    for (String project : List.of(DEB_PROJECT, RPM_PROJECT)) {
      gerrit.createProject(project);
      gerrit.createBranch(project, BRANCH);
      Path tree = examples.resolve(project.equals(DEB_PROJECT) ? "hello" : "hello-rpm");
      PushedChange seed = gerrit.pushChange(project, BRANCH, tree, null);
      gerrit.merge(seed.number());
    }
  }

  private void startScheduler() throws Exception {
    Path password = Files.writeString(work.resolve("gerrit.password"), gerrit.httpPassword());
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    api = "http://127.0.0.1:" + port;
    Path config = work.resolve("perestroika.yaml");
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
            "  builds-dir: " + buildsDir,
            "  git-cache-dir: " + work.resolve("git"),
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
            "        mos10.0: {branches: [\"" + BRANCH + "\"], dists: [bookworm, centos7]}",
            ""));
    say("starting the scheduler");
    // As the systemd unit runs it: through the launcher, with its JVM options. Two additions: the
    // command runner's debug line for each command it starts, with the time, which times the
    // steps that run tools (git, reprepro, gpg); and a flight recording (JFR's profile settings,
    // about 2 % overhead), whose samples and parked threads say where the rest of the time goes.
    ProcessBuilder launcher =
        new ProcessBuilder(
            repo.resolve("bin/perestroika").toString(), "--config", config.toString(), "scheduler");
    launcher
        .environment()
        .put(
            "JAVA_TOOL_OPTIONS",
            "-Dorg.slf4j.simpleLogger.log.org.perestroika.core.process=debug"
                + " -Dorg.slf4j.simpleLogger.showDateTime=true"
                + " -Dorg.slf4j.simpleLogger.dateTimeFormat="
                + LOG_TIME_PATTERN
                + " -XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + work.resolve("scheduler.jfr"));
    scheduler =
        launcher
            .redirectOutput(work.resolve("scheduler.stdout").toFile())
            .redirectError(work.resolve("scheduler.stderr").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    Files.writeString(work.resolve("scheduler.pid"), scheduler.pid() + "\n");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (get("/healthz").statusCode() != 200) {
      checkAlive("connecting to Gerrit");
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the scheduler was not healthy after 5 minutes");
      }
      Thread.sleep(200);
    }
    // stream-events drops what happens before Gerrit has registered the stream: wait until an
    // event the scheduler ignores (a change to a project it does not route) comes through.
    int before = eventsSeen();
    for (int probe = 0; eventsSeen() == before; probe++) {
      checkAlive("its event stream");
      if (probe > 60) {
        throw new IllegalStateException("no event reached the scheduler; see " + work);
      }
      String name = "probe/p" + probe;
      gerrit.createProject(name);
      gerrit.pushChange(name, "master", Map.of("README", "probe"), null);
      Thread.sleep(1000);
    }
    say("the scheduler follows Gerrit's events");
  }

  private Stamps measure(int run, Case c) throws Exception {
    Stamps stamps = new Stamps(run, c);
    Map<String, String> files = c.files(repo.resolve("examples"), run);
    try (LogTail tail = new LogTail(buildsDir)) {
      Git.Pushed pushed = clones.get(c).pushChange(files, c.label + " run " + run);
      stamps.pushStarted = pushed.pushStarted();
      stamps.pushReturned = pushed.pushReturned();
      stamps.change = changeNumber(pushed.changeId());
      Instant deadline = stamps.pushReturned.plus(VOTE_TIMEOUT);
      long next = System.nanoTime();
      while (stamps.voteSeen == null) {
        checkAlive("the vote on change " + stamps.change);
        if (Instant.now().isAfter(deadline)) {
          stamps.note = "no vote after " + VOTE_TIMEOUT;
          break;
        }
        next += POLL_MS * 1_000_000;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        JsonNode review =
            JSON.readTree(gerrit.restGet("changes/" + stamps.change + "/revisions/1/review"));
        Instant seen = Instant.now();
        for (JsonNode vote : review.path("labels").path("Verified").path("all")) {
          int value = vote.path("value").asInt(0);
          if (value != 0) {
            stamps.vote = value;
            stamps.voteSeen = seen;
          }
        }
      }
      stamps.buildId = tail.buildId();
      stamps.dirSeen = tail.dirSeen();
      stamps.outSeen = tail.outSeen();
      boolean afterBuilderLog = false;
      for (LogTail.Line line : tail.lines()) {
        String text = line.text();
        Matcher container = CONTAINER_TIME.matcher(text);
        Matcher total = TOTAL_TIME.matcher(text);
        if (stamps.buildId != null
            && text.startsWith("perestroika: build " + stamps.buildId + " ")) {
          stamps.builderSummarySeen = line.seen();
        } else if (container.matches()) {
          stamps.containerSeconds = Double.parseDouble(container.group(1));
        } else if (total.matches()) {
          stamps.builderTotalSeconds = Double.parseDouble(total.group(1));
        } else if (text.startsWith("perestroika: log ")) {
          afterBuilderLog = true;
        } else if (afterBuilderLog && text.startsWith("perestroika: ")) {
          // The scheduler's own line after the builder's summary: what the publisher said.
          stamps.publishedSeen = line.seen();
          afterBuilderLog = false;
        }
      }
    }
    if (stamps.buildId != null) {
      JsonNode build = JSON.readTree(get("/api/builds/" + stamps.buildId).body());
      stamps.queued = instant(build.path("createdAt"));
      stamps.started = instant(build.path("startedAt"));
      stamps.finished = instant(build.path("finishedAt"));
      stamps.state = build.path("state").asText("");
      stamps.summary = build.path("summary").asText("");
      dockerEvents(stamps);
    }
    // Last: a command's step needs every stamp.
    stamps.commands = commandsOf(stamps);
    return stamps;
  }

  /**
   * The commands the scheduler started between this push and its vote, each with the step of {@link
   * Stamps#steps()} it started in and its span: until the next command started, or its step ended,
   * whichever came first (so a span holds the Java work that follows the command).
   */
  private List<Command> commandsOf(Stamps stamps) throws IOException {
    if (stamps.pushReturned == null || stamps.voteSeen == null) {
      return List.of();
    }
    List<Instant> times = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(work.resolve("scheduler.stdout"))) {
      Matcher m = COMMAND_LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Instant at;
      try {
        at = OffsetDateTime.parse(m.group(1), LOG_TIME).toInstant();
      } catch (DateTimeParseException e) {
        continue;
      }
      if (!at.isBefore(stamps.pushStarted) && !at.isAfter(stamps.voteSeen)) {
        times.add(at);
        lines.add(m.group(2).replace(work.toString(), "<work>"));
      }
    }
    Map<String, Instant[]> steps = stamps.steps();
    List<Command> commands = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      Instant at = times.get(i);
      String step = "";
      Instant end = stamps.voteSeen;
      for (Map.Entry<String, Instant[]> s : steps.entrySet()) {
        Instant[] span = s.getValue();
        if (!at.isBefore(span[0]) && at.isBefore(span[1])) {
          step = s.getKey();
          end = span[1];
          break;
        }
      }
      if (i + 1 < times.size() && times.get(i + 1).isBefore(end)) {
        end = times.get(i + 1);
      }
      commands.add(new Command(at, Duration.between(at, end), step, lines.get(i)));
    }
    return commands;
  }

  /** A command the scheduler ran: when it started, its span, its step and its command line. */
  record Command(Instant at, Duration span, String step, String line) {
    private static final List<String> SUBCOMMANDS =
        List.of(
            "fetch",
            "archive",
            "cat-file",
            "ls-tree",
            "init",
            "rev-parse",
            "update-ref",
            "export",
            "includedeb",
            "include",
            "includedsc",
            "list",
            "listfilter",
            "ls",
            "remove",
            "check",
            "--clearsign",
            "--detach-sign",
            "--export");

    /** The program and, for git, reprepro and gpg, what it was asked to do. */
    String kind() {
      String[] words = line.split(" ");
      String program = words[0].substring(words[0].lastIndexOf('/') + 1);
      for (int i = 1; i < words.length; i++) {
        if (SUBCOMMANDS.contains(words[i])) {
          return program + " " + words[i].replaceFirst("^--", "");
        }
      }
      return program;
    }

    /** run, case, step, start (s after the push returned), span (s), kind, command line. */
    String row(Stamps stamps) {
      String shown = line.replace('\t', ' ');
      return String.format(
          Locale.ROOT,
          "%d\t%s\t%s\t%.3f\t%.3f\t%s\t%s",
          stamps.run,
          stamps.c.label,
          step,
          Duration.between(stamps.pushReturned, at).toNanos() / 1e9,
          span.toNanos() / 1e9,
          kind(),
          shown.length() > 300 ? shown.substring(0, 300) + "..." : shown);
    }
  }

  private int changeNumber(String changeId) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      JsonNode found = JSON.readTree(gerrit.restGet("changes/?q=change:" + changeId));
      if (found.size() == 1) {
        return found.get(0).path("_number").asInt();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Gerrit does not find change " + changeId);
  }

  /** The engine's events of the build's container, told apart from other hosts' by its owner. */
  private void dockerEvents(Stamps stamps) throws IOException {
    String owner = Long.toString(scheduler.pid());
    for (String line : Files.readAllLines(work.resolve("docker-events.jsonl"))) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = JSON.readTree(line);
      JsonNode attributes = event.path("Actor").path("Attributes");
      if (!stamps.buildId.equals(attributes.path(BUILD_ID_LABEL).asText())
          || !owner.equals(attributes.path(OWNER_PID_LABEL).asText())) {
        continue;
      }
      long nanos = event.path("timeNano").asLong();
      Instant at = Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
      String action = event.path("Action").asText(event.path("status").asText(""));
      switch (action) {
        case "create" -> stamps.containerCreated = at;
        case "start" -> stamps.containerStarted = at;
        case "die" -> stamps.containerDied = at;
        case "destroy" -> stamps.containerDestroyed = at;
        default -> {
          // attach, kill and the like say nothing about the build's time.
        }
      }
    }
  }

  private Process dockerEvents() throws IOException {
    return new ProcessBuilder(
            "docker",
            "events",
            "--format",
            "{{json .}}",
            "--filter",
            "type=container",
            "--filter",
            "label=" + BUILD_ID_LABEL)
        .redirectOutput(work.resolve("docker-events.jsonl").toFile())
        .redirectError(work.resolve("docker-events.stderr").toFile())
        .start();
  }

  private int eventsSeen() throws Exception {
    return get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("perestroika_gerrit_events_total"))
        .mapToInt(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private void checkAlive(String waitingFor) {
    if (!scheduler.isAlive()) {
      throw new IllegalStateException(
          "the scheduler exited with "
              + scheduler.exitValue()
              + " while waiting for "
              + waitingFor
              + "; see "
              + work.resolve("scheduler.stdout"));
    }
  }

  private HttpResponse<String> get(String path) throws InterruptedException {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Unanswered(e);
    }
  }

  private static Instant instant(JsonNode value) {
    return value.isTextual() ? Instant.parse(value.asText()) : null;
  }

  private PrintWriter appending(String name) throws IOException {
    return new PrintWriter(
        Files.newBufferedWriter(
            out.resolve(name),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND));
  }

  private PrintWriter writer(String name) throws IOException {
    return new PrintWriter(
        Files.newBufferedWriter(
            out.resolve(name),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING));
  }

  private static void say(String line) {
    System.err.println("[e2e] " + line);
  }

  /**
   * Stops what this run started, once: the scheduler (SIGTERM, as systemd stops it; it removes its
   * containers), then any container it still owns, Gerrit, and the event stream.
   */
  private synchronized void cleanUp() {
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    if (scheduler != null) {
      scheduler.destroy();
      try {
        if (!scheduler.waitFor(60, TimeUnit.SECONDS)) {
          scheduler.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        scheduler.destroyForcibly();
      }
      reapContainersOf(scheduler.pid());
    }
    if (gerrit != null) {
      gerrit.close();
    }
    if (events != null) {
      events.destroy();
    }
  }

  private static void reapContainersOf(long pid) {
    try {
      Process list =
          new ProcessBuilder(
                  "docker", "ps", "-aq", "--filter", "label=" + OWNER_PID_LABEL + "=" + pid)
              .redirectErrorStream(true)
              .start();
      String ids = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      list.waitFor(60, TimeUnit.SECONDS);
      for (String id : ids.strip().split("\\s+")) {
        if (!id.isEmpty()) {
          say("removing container " + id + " the scheduler left");
          new ProcessBuilder("docker", "rm", "-f", id)
              .inheritIO()
              .start()
              .waitFor(60, TimeUnit.SECONDS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The stamps of one push, wall-clock times of this host (Gerrit, scheduler and engine alike). */
  static final class Stamps {
    static final List<String> COLUMNS =
        List.of(
            "run",
            "case",
            "change",
            "build",
            "vote",
            "push_started",
            "push_returned",
            "queued",
            "started",
            "build_dir_seen",
            "out_dir_seen",
            "container_created",
            "container_started",
            "container_died",
            "container_destroyed",
            "builder_summary_seen",
            "published_seen",
            "finished",
            "vote_seen",
            "container_s",
            "builder_total_s");

    final int run;
    final Case c;
    int change;
    String buildId;
    int vote;
    String state = "";
    String summary = "";
    String note = "";
    Instant pushStarted;
    Instant pushReturned;
    Instant queued;
    Instant started;
    Instant dirSeen;
    Instant outSeen;
    Instant containerCreated;
    Instant containerStarted;
    Instant containerDied;
    Instant containerDestroyed;
    Instant builderSummarySeen;
    Instant publishedSeen;
    Instant finished;
    Instant voteSeen;
    Double containerSeconds;
    Double builderTotalSeconds;
    List<Command> commands = List.of();

    Stamps(int run, Case c) {
      this.run = run;
      this.c = c;
    }

    String row() {
      List<String> values = new ArrayList<>();
      values.add(Integer.toString(run));
      values.add(c.label);
      values.add(Integer.toString(change));
      values.add(buildId == null ? "" : buildId);
      values.add(Integer.toString(vote));
      for (Instant at :
          new Instant[] {
            pushStarted,
            pushReturned,
            queued,
            started,
            dirSeen,
            outSeen,
            containerCreated,
            containerStarted,
            containerDied,
            containerDestroyed,
            builderSummarySeen,
            publishedSeen,
            finished,
            voteSeen
          }) {
        values.add(
            at == null
                ? ""
                : String.format(Locale.ROOT, "%d.%09d", at.getEpochSecond(), at.getNano()));
      }
      values.add(containerSeconds == null ? "" : containerSeconds.toString());
      values.add(builderTotalSeconds == null ? "" : builderTotalSeconds.toString());
      return String.join("\t", values);
    }

    /** run, case, change, build, vote, state, and the first line of the build's summary. */
    String outcome() {
      String first = summary.lines().findFirst().orElse("");
      return String.join(
          "\t",
          Integer.toString(run),
          c.label,
          Integer.toString(change),
          buildId == null ? "" : buildId,
          Integer.toString(vote),
          state,
          (note.isEmpty() ? "" : note + "; ") + first.replace('\t', ' '));
    }

    /** Every measure this push has both ends of, in seconds. */
    Map<String, Double> samples() {
      Map<String, Double> samples = new LinkedHashMap<>();
      between(samples, "push", pushStarted, pushReturned);
      between(samples, "push-to-vote", pushReturned, voteSeen);
      if (containerSeconds != null) {
        samples.put("container", containerSeconds);
        if (samples.containsKey("push-to-vote")) {
          samples.put("farm", samples.get("push-to-vote") - containerSeconds);
        }
      }
      steps().forEach((name, span) -> between(samples, name, span[0], span[1]));
      between(samples, "d1-create-start", containerCreated, containerStarted);
      between(samples, "d2-run", containerStarted, containerDied);
      between(samples, "d3-die-destroy", containerDied, containerDestroyed);
      if (containerSeconds != null && samples.containsKey("s5-container")) {
        samples.put("d4-outside-engine", containerSeconds - samples.get("s5-container"));
      }
      if (containerSeconds == null) {
        // No container ran: what the scheduler did from starting the build until it ended.
        between(samples, "no-container-run", started, finished);
      }
      // The tools each step ran, and the Java work before the step's first one.
      Map<String, Instant> first = new HashMap<>();
      for (Command command : commands) {
        String key = "cmd:" + (command.step().isEmpty() ? "other" : command.step());
        samples.merge(key + ":" + command.kind(), command.span().toNanos() / 1e9, Double::sum);
        samples.merge(key + ":" + command.kind() + ":count", 1.0, Double::sum);
        first.putIfAbsent(command.step(), command.at());
      }
      steps()
          .forEach(
              (name, span) -> {
                Instant at = first.get(name);
                if (at != null) {
                  between(samples, "cmd:" + name + ":before-first-command", span[0], at);
                }
              });
      return samples;
    }

    /**
     * The steps from push to vote that this push has both ends of, in order, each as {start, end}:
     * the event reaching the scheduler (its build recorded as queued), a worker taking it, the
     * source assembled (the builder has made out/), the builder staging it until the engine created
     * the container, the container's life in the engine, the builder ending, the publish, the store
     * recording the end, and the vote until it was seen.
     */
    Map<String, Instant[]> steps() {
      Map<String, Instant[]> steps = new LinkedHashMap<>();
      step(steps, "s1-event", pushReturned, queued);
      step(steps, "s2-queue", queued, started);
      step(steps, "s3-assembly", started, outSeen);
      step(steps, "s4-staging", outSeen, containerCreated);
      step(steps, "s5-container", containerCreated, containerDestroyed);
      step(steps, "s6-builder-end", containerDestroyed, builderSummarySeen);
      step(steps, "s7-publish", builderSummarySeen, publishedSeen);
      step(steps, "s8-record", publishedSeen, finished);
      step(steps, "s9-vote", finished, voteSeen);
      return steps;
    }

    private static void step(Map<String, Instant[]> steps, String name, Instant a, Instant b) {
      if (a != null && b != null) {
        steps.put(name, new Instant[] {a, b});
      }
    }

    private static void between(Map<String, Double> samples, String name, Instant a, Instant b) {
      if (a != null && b != null) {
        samples.put(name, Duration.between(a, b).toNanos() / 1e9);
      }
    }

    String progress() {
      Map<String, Double> s = samples();
      return String.format(
          Locale.ROOT,
          "run %d %s: change %d, build %s, vote %+d (%s), push to vote %s s, container %s s%s",
          run,
          c.label,
          change,
          buildId,
          vote,
          state,
          format(s.get("push-to-vote")),
          format(containerSeconds),
          summary.isEmpty() ? "" : ": " + summary.lines().findFirst().orElse(""));
    }

    private static String format(Double seconds) {
      return seconds == null ? "?" : String.format(Locale.ROOT, "%.3f", seconds);
    }
  }

  /** A connection that failed, seen as a 503 so that waiting code takes it as "not yet". */
  private record Unanswered(IOException cause) implements HttpResponse<String> {
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
      return null;
    }

    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
