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
  static final String RPM_PROJECT = "acme/packages/fuel/centos7/perestroika-hello";
  static final String BRANCH = "10.0";
  static final Path EXAMPLE = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
  static final Path RPM_EXAMPLE =
      Path.of("..", "examples", "hello-rpm").toAbsolutePath().normalize();
  static final String DNF_IMAGE = RpmMainJobIT.DNF_IMAGE;
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
  static PushedChange verifiedRpm;
  static PushedChange replaced;

  @BeforeAll
  static void startGerritAndScheduler() throws Exception {
    Requirements.bookwormChroot();
    Requirements.requirePrograms("git", "reprepro", "ssh");
    gerrit = GerritServer.start(work.resolve("gerrit"));
    for (String project : List.of(PROJECT, RPM_PROJECT)) {
      gerrit.createProject(project);
      gerrit.createBranch(project, BRANCH);
    }
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
            "        mos10.0: {branches: [\"" + BRANCH + "\"], dists: [bookworm, centos7]}",
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
  void aGoodChangeIsVerifiedAndAptInstallsItOverHttpFromTheRepositoryItsVoteNames()
      throws Exception {
    PushedChange change = gerrit.pushChange(PROJECT, BRANCH, EXAMPLE, null);
    verified = change;
    String message = awaitVerified(change.number(), 1, 1).path("message").asText();
    assertTrue(message.contains("Perestroika build b"), message);
    assertTrue(message.contains("\nbookworm (b"), message);
    assertTrue(message.contains(api + "/api/builds/b"), message);
    // A test repository holds the one suite the change was published to.
    assertEquals(
        List.of("mos10.0-proposed"),
        listing(work.resolve("mirror/review/CR-" + change.number() + "/debian/dists")));
    aptInstall(message);
  }

  @Test
  @Order(2)
  void aNewRevisionOfTheSameUpstreamVersionIsVerifiedInAFreshRepository() throws Exception {
    Path revision = work.resolve("hello-mos2");
    copyTree(EXAMPLE, revision);
    Path changelog = revision.resolve("debian/changelog");
    Files.writeString(
        changelog,
        "perestroika-hello (1.0-1~deb12+mos2) mos10.0; urgency=medium\n\n"
            + "  * Packaging only: the same upstream sources.\n\n"
            + " -- Perestroika Build Farm <builds@perestroika.invalid>  Sun, 22 Nov 2026 12:00:00"
            + " +0000\n\n"
            + Files.readString(changelog));
    PushedChange change = gerrit.pushChange(PROJECT, BRANCH, revision, null);
    String message = awaitVerified(change.number(), 1, 1).path("message").asText();
    assertTrue(message.contains("review/CR-" + change.number()), message);
  }

  @Test
  @Order(3)
  void anRpmChangeIsVerifiedAndDnfInstallsItTrustingOnlyThePublishedKey() throws Exception {
    PushedChange change = gerrit.pushChange(RPM_PROJECT, BRANCH, RPM_EXAMPLE, null);
    verifiedRpm = change;
    String message = awaitVerified(change.number(), 1, 1).path("message").asText();
    assertTrue(message.contains("\ncentos7 (b"), message);
    String section = message.substring(message.indexOf("[mos-review-CR-" + change.number()));
    section = section.substring(0, section.indexOf("\n\n") + 1);
    assertTrue(section.contains("repo_gpgcheck=1"), section);
    assertTrue(section.contains("gpgkey=" + api + "/repos/review/CR-"), section);
    // The proposed repositories, and the key beside where the os packages would be.
    Path release = work.resolve("mirror/review/CR-" + change.number() + "/centos-7/mos10.0");
    assertEquals(List.of("os", "proposed"), listing(release));
    assertEquals(List.of("RPM-GPG-KEY-MOS10.0"), listing(release.resolve("os/x86_64")));

    Path repo = Files.writeString(work.resolve("review.repo"), section);
    try (DockerContainerRuntime docker =
        new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"))) {
      docker.buildImage(
          Path.of("src/test/resources/dnf-client").toAbsolutePath(), DNF_IMAGE, Map.of(), l -> {});
    }
    String output =
        client(
            DNF_IMAGE,
            "dnf -y --releasever=7 install perestroika-hello && perestroika-hello"
                + " && rpm -q gpg-pubkey --qf 'trusted %{summary}\\n'",
            new BindMount(repo, "/etc/yum.repos.d/review.repo", true));
    assertTrue(output.contains("\nHello from a Perestroika build.\n"), output);
    assertEquals(1, output.lines().filter(l -> l.startsWith("trusted ")).count(), output);
  }

  @Test
  @Order(4)
  void aBrokenChangeIsVotedDownWithTheLogTail() throws Exception {
    Path broken = TestPackages.failing(work.resolve("broken-src"));
    PushedChange change = gerrit.pushChange(PROJECT, BRANCH, broken, null);
    String message = awaitVerified(change.number(), 1, -1).path("message").asText();
    assertTrue(message.contains("this package does not build"), message);
  }

  @Test
  @Order(5)
  void aNewPatchSetCancelsTheBuildOfTheOldOne() throws Exception {
    Path slow = TestPackages.sleeping(work.resolve("slow-src"), 600);
    PushedChange first = gerrit.pushChange(PROJECT, BRANCH, slow, null);
    JsonNode running = awaitBuild(b -> isOf(b, first.number(), 1) && state(b).equals("RUNNING"));
    gerrit.pushPatchSet(first, Map.of("debian/rules", "#!/usr/bin/make -f\n%:\n\tdh $@\n"));
    awaitBuild(b -> id(b).equals(id(running)) && state(b).equals("CANCELLED"));
    awaitVerified(first.number(), 2, 1);
    assertEquals(1, votesFor(first.number()).size(), "only patch set 2 was voted on");
    replaced = first;
  }

  @Test
  @Order(6)
  void aKilledSchedulerFinishesItsBuildOnceAndCatchesUpOnWhatItMissed() throws Exception {
    Path slow = TestPackages.sleeping(work.resolve("slowish-src"), 25);
    PushedChange building = gerrit.pushChange(PROJECT, BRANCH, slow, null);
    awaitBuild(b -> isOf(b, building.number(), 1) && state(b).equals("RUNNING"));
    scheduler.destroyForcibly();
    assertTrue(scheduler.waitFor(60, TimeUnit.SECONDS));

    PushedChange missed = gerrit.pushChange(PROJECT, BRANCH, EXAMPLE, null);
    startScheduler();

    awaitVerified(building.number(), 1, 1);
    awaitVerified(missed.number(), 1, 1);
    assertEquals(1, votesFor(building.number()).size(), "voted once");
    assertEquals(1, votesFor(missed.number()).size(), "voted once");
  }

  @Test
  @Order(7)
  void mergedChangesReuseTheirReviewBuildsAndLandInTheReleaseSuiteDebAndRpm() throws Exception {
    JsonNode merge = merged(verified);
    Path packages = work.resolve("mirror/debian/dists/mos10.0-proposed/main/binary-amd64/Packages");
    assertTrue(Files.readString(packages).contains("Package: perestroika-hello"));

    merged(verifiedRpm);
    Path rpm =
        work.resolve(
            "mirror/centos-7/mos10.0/proposed/x86_64/Packages/"
                + "perestroika-hello-1.0-1.el7~mos1.noarch.rpm");
    assertTrue(Files.isRegularFile(rpm), rpm.toString());
    assertTrue(
        Files.readString(
                work.resolve("mirror/centos-7/mos10.0/proposed/x86_64/repodata/repomd.xml"))
            .contains("primary"));
    assertTrue(
        Files.isRegularFile(
            work.resolve("mirror/centos-7/mos10.0/proposed/x86_64/repodata/repomd.xml.asc")));
  }

  /** Merges a verified change and waits for its merge build, which reuses the review build. */
  private static JsonNode merged(PushedChange change) throws Exception {
    gerrit.merge(change.number());
    JsonNode merge =
        awaitBuild(
            b ->
                b.path("change").asInt() == change.number()
                    && b.path("trigger").asText().equals("MERGE")
                    && !b.path("finishedAt").isNull());
    assertEquals("REUSED", state(merge), merge.toString());
    await(
        "the merge comment",
        () ->
            votesFor(change.number()).stream()
                .filter(m -> m.path("message").asText().contains(id(merge)))
                .findFirst());
    return merge;
  }

  @Test
  @Order(8)
  void anAbandonedChangeLosesItsTestRepository() throws Exception {
    Path repository = work.resolve("mirror/review/CR-" + replaced.number());
    assertTrue(Files.exists(repository));
    gerrit.abandon(replaced.number());
    await(
        "the test repository of an abandoned change to go",
        () -> Files.exists(repository) ? Optional.empty() : Optional.of(true));
  }

  @Test
  @Order(9)
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
    awaitVerified(change.number(), 1, 1);
  }

  @Test
  @Order(10)
  void aSpecChangeIsBuiltForEachDistWithTheCodeProjectsBranchHead() throws Exception {
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
    // The release builds for bookworm and centos7: the spec project packages for both, the rpm
    // from a tarball the farm makes of the code commit.
    Path packaging = work.resolve("packaging");
    copyTree(EXAMPLE.resolve("debian"), packaging.resolve("debian"));
    Files.createDirectories(packaging.resolve("rpm/SPECS"));
    Files.writeString(
        packaging.resolve("rpm/SPECS/perestroika-hello.spec"),
        String.join(
            "\n",
            "Name: perestroika-hello",
            "Version: 1.0",
            "Release: 2%{?dist}~mos1",
            "Summary: The example's sources, packaged from a code and a spec project",
            "License: MIT",
            "Source0: %{name}-%{version}.tar.gz",
            "BuildArch: noarch",
            "%description",
            "The sources of the example program, from its code project.",
            "%prep",
            "%setup -q",
            "%install",
            "install -D -m 0644 hello.c %{buildroot}%{_datadir}/perestroika-hello/hello.c",
            "%files",
            "%{_datadir}/perestroika-hello/hello.c",
            "%changelog",
            "* Sun Nov 22 2026 Perestroika Build Farm <builds@perestroika.invalid> - 1.0-2~mos1",
            "- Packaged from a code and a spec project.",
            ""));

    PushedChange change = gerrit.pushChange(spec, BRANCH, packaging, null);
    String message = awaitVerified(change.number(), 1, 1).path("message").asText();
    assertTrue(message.contains("\nbookworm (b"), message);
    assertTrue(message.contains("\ncentos7 (b"), message);
    List<JsonNode> builds = new ArrayList<>();
    for (JsonNode build : JSON.readTree(get("/api/builds").body())) {
      if (build.path("change").asInt() == change.number()) {
        builds.add(build);
      }
    }
    assertEquals(2, builds.size(), builds.toString());
    for (JsonNode build : builds) {
      assertEquals(upstream.revision(), build.path("codeCommit").asText(), build.toString());
      assertEquals(change.revision(), build.path("specCommit").asText(), build.toString());
    }
  }

  @Test
  @Order(11)
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
  @Order(12)
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
  @Order(13)
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

  @Test
  @Order(14)
  void aTerminatedSchedulerSaysItStopsAndWhatBecomesOfItsBuilds() throws Exception {
    scheduler.destroy();
    assertTrue(scheduler.waitFor(60, TimeUnit.SECONDS), "SIGTERM ended the scheduler");
    List<String> lines = Files.readAllLines(work.resolve("scheduler-" + runs).resolve("stdout"));
    assertTrue(
        lines.contains(
            "<6>[scheduler] stopping: builds still running are queued again at the next start"),
        lines.toString());
    assertTrue(lines.contains("<6>[scheduler] stopped"), lines.toString());
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

  /** The names in a directory, sorted. */
  private static List<String> listing(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
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

  /**
   * The farm's review message on that patch set once Gerrit shows the farm's Verified label on it
   * at {@code value}: the label read from the patch set's own review, not a word in a message.
   */
  private static JsonNode awaitVerified(int change, int patchset, int value) throws Exception {
    JsonNode message =
        await(
            "Verified " + value + " on " + change + "," + patchset,
            () -> {
              JsonNode review =
                  JSON.readTree(
                      gerrit.restGet("changes/" + change + "/revisions/" + patchset + "/review"));
              boolean labelled = false;
              for (JsonNode vote : review.path("labels").path("Verified").path("all")) {
                labelled |= vote.path("value").asInt(0) == value;
              }
              if (!labelled) {
                return Optional.empty();
              }
              return votesFor(change).stream()
                  .filter(m -> m.path("_revision_number").asInt() == patchset)
                  .findFirst();
            });
    assertEquals(
        1,
        votesFor(change).stream()
            .filter(m -> m.path("_revision_number").asInt() == patchset)
            .count(),
        "one review by the farm on " + change + "," + patchset);
    return message;
  }

  /**
   * Installs and runs perestroika-hello with apt in a fresh container on the host's network, from
   * the repository and with the key the vote names, both fetched over HTTP as a developer's machine
   * would.
   */
  private static void aptInstall(String vote) throws Exception {
    String keyLine = vote.lines().filter(l -> l.startsWith("Key: ")).findFirst().orElseThrow();
    URI keyUrl = URI.create(keyLine.substring(5, keyLine.indexOf(' ', 5)));
    assertTrue(keyUrl.toString().startsWith(api + "/repos/review/CR-"), keyLine);
    HttpResponse<byte[]> key =
        HTTP.send(HttpRequest.newBuilder(keyUrl).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, key.statusCode(), keyUrl.toString());
    String sources =
        vote.lines().filter(l -> l.startsWith("deb [signed-by=")).findFirst().orElseThrow();
    assertTrue(sources.contains(" " + api + "/repos/review/CR-"), sources);
    Path keyring = Files.write(work.resolve("review-keyring-" + System.nanoTime()), key.body());
    Path list = Files.writeString(work.resolve("review-" + System.nanoTime() + ".list"), sources);
    Path empty = Files.writeString(work.resolve("empty.list"), "");
    String output =
        client(
            "debian:bookworm",
            "apt-get update && apt-get install -y perestroika-hello && perestroika-hello",
            new BindMount(keyring, "/etc/apt/keyrings/mos-archive-keyring.gpg", true),
            new BindMount(list, "/etc/apt/sources.list.d/review.list", true),
            new BindMount(empty, "/etc/apt/sources.list", true));
    assertTrue(output.contains("\nHello from a Perestroika build.\n"), output);
  }

  /**
   * Runs a client's script in a fresh container of {@code image} on the host's network, as a
   * developer's machine reaching the farm, and returns what it printed once it exited 0.
   */
  private static String client(String image, String script, BindMount... mounts) throws Exception {
    try (DockerContainerRuntime docker =
        new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"))) {
      List<String> output = new ArrayList<>();
      ContainerExit exit =
          docker.run(
              new ContainerSpec(
                  image,
                  List.of("sh", "-c", script),
                  "/",
                  Map.of("org.perestroika.test", "client"),
                  List.of(mounts),
                  Map.of(),
                  ContainerSpec.Network.HOST,
                  512L << 20,
                  512,
                  false),
              Duration.ofMinutes(5),
              output::add);
      String all = "\n" + String.join("\n", output) + "\n";
      assertEquals(0, exit.exitCode(), all);
      return all;
    }
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
