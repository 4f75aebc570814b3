package org.perestroika.scheduler.dispatch.jenkins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.config.ConfigLoader;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.scheduler.dispatch.DispatchRequest;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.NewBuild;
import org.perestroika.testing.jenkins.JenkinsStub;
import org.perestroika.testing.jenkins.RecordedRequest;
import org.perestroika.testing.jenkins.ScriptedRun;

class JenkinsDispatcherTest {
  private static final String USER = "perestroika";
  private static final String TOKEN = "11d3f0a2c94b7e5d6f8a1b2c3d4e5f6a7b";
  private static final String JOB = "acme-mos10.0-deb-build";
  private static final String RPM_JOB = "acme-mos10.0-rpm-build";
  private static final String CODE_COMMIT = "3f2a6c1d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49";
  private static final String SPEC_COMMIT = "9c1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d";
  private static final String SPEC_PROJECT = "acme/openstack-build/hello";
  private static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  private static final List<String> UPLOAD =
      List.of(
          "hello_1.0-1_amd64.changes",
          "hello_1.0-1.dsc",
          "hello_1.0.orig.tar.gz",
          "hello_1.0-1.debian.tar.xz",
          "hello_1.0-1_all.deb",
          "hello_1.0-1_amd64.buildinfo");
  // The built-in dist, so the test follows its format wherever core defines it.
  private static final Dist CENTOS7 =
      ConfigLoader.defaults(Optional.empty()).dists().get("centos7");
  private static final String SRPM = "hello-1.0-1.el7.src.rpm";
  private static final List<String> BINARY_RPMS =
      List.of("hello-1.0-1.el7.x86_64.rpm", "hello-doc-1.0-1.el7.noarch.rpm");

  @TempDir Path tmp;
  private JenkinsStub stub;
  private final List<JenkinsDispatcher> dispatchers = new ArrayList<>();

  @BeforeEach
  void startStub() {
    stub = JenkinsStub.start(USER, TOKEN);
  }

  @AfterEach
  void stopStub() {
    dispatchers.forEach(JenkinsDispatcher::close);
    stub.close();
  }

  @Test
  void successfulBuildSendsTheDocumentedParametersStreamsTheConsoleAndDownloadsTheUpload()
      throws Exception {
    List<String> console =
        List.of(
            "Started by user perestroika",
            "Building on builder-3 in workspace /var/lib/jenkins/workspace/" + JOB,
            "dpkg-buildpackage: info: source package hello",
            "Setting up libc6 — the GNU C library: Ünïcödé survives chunking",
            "x".repeat(300),
            "Install-Time: 4",
            "Build-Time: 3");
    stub.script(
        JOB,
        uploadArtifacts(
            new ScriptedRun(
                console,
                "SUCCESS",
                Map.of(),
                Duration.ofMillis(80),
                Duration.ofMillis(400),
                false)));
    DispatchRequest request = request("b42", reviewBuild());
    List<String> streamed = new ArrayList<>();

    BuildResult result = dispatcher(1).run(request, streamed::add);

    assertEquals(BuildStatus.SUCCEEDED, result.status(), () -> String.join("\n", streamed));
    assertEquals("b42", result.buildId());
    assertEquals(
        Optional.of(request.outDir().resolve("hello_1.0-1_amd64.changes")), result.changesFile());
    assertEquals(UPLOAD, result.artifacts().stream().map(Artifact::fileName).toList());
    for (Artifact artifact : result.artifacts()) {
      assertArrayEquals(
          Files.readAllBytes(fixture(artifact.fileName())), Files.readAllBytes(artifact.path()));
      assertEquals(Files.size(artifact.path()), artifact.size());
    }
    assertEquals(List.of(), result.failureExcerpt());
    assertEquals(Optional.of(Duration.ofSeconds(4)), result.timings().install());
    assertEquals(Optional.of(Duration.ofSeconds(3)), result.timings().build());

    RecordedRequest trigger = onlyRequest("POST", "job/" + JOB + "/buildWithParameters");
    assertEquals(
        expectedParameters("b42", "1234", "2", SPEC_PROJECT, SPEC_COMMIT), trigger.parameters());
    assertEquals(201, trigger.status());
    assertTrue(trigger.header(JenkinsStub.CRUMB_FIELD).isPresent(), "crumb sent");
    assertEquals(200, onlyRequest("GET", "crumbIssuer/api/json").status());

    List<String> expectedConsole = new ArrayList<>(console);
    expectedConsole.add("Finished: SUCCESS");
    assertEquals(expectedConsole, jenkinsLines(streamed));
    assertEquals(
        expectedConsole, jenkinsLines(Files.readAllLines(result.log(), StandardCharsets.UTF_8)));
    assertEquals(request.outDir().resolve("b42.jenkins.log"), result.log());

    List<Long> starts =
        stub.requests().stream()
            .filter(r -> r.is("GET", "job/" + JOB + "/1/logText/progressiveText"))
            .map(r -> Long.parseLong(r.query().get("start")))
            .toList();
    assertTrue(starts.size() > 2, "the console was read while the build ran: " + starts);
    assertEquals(0L, starts.get(0));
    assertEquals(starts.stream().sorted().toList(), starts, "offsets only grow");
    assertTrue(stub.requests().stream().allMatch(r -> r.header("authorization").isPresent()));
  }

  @Test
  void buildWithoutChangeOrSpecSendsThoseParametersEmpty() {
    NewBuild manual =
        new NewBuild(
            BuildTrigger.MANUAL,
            "review.example.org",
            Optional.empty(),
            Optional.empty(),
            "acme/packages/fuel/bookworm/hello",
            "mos-10.0",
            "acme",
            "mos10.0",
            "bookworm",
            "hello",
            CODE_COMMIT,
            Optional.empty(),
            "bookworm-20261121");
    Map<String, String> parameters =
        JenkinsDispatcher.parameters(
            request("b7", manual),
            build -> {
              throw new AssertionError("no spec project is asked for a combined package");
            });
    Map<String, String> expected = expectedParameters("b7", "", "", "", "");
    expected.put("GERRIT_PROJECT", "acme/packages/fuel/bookworm/hello");
    assertEquals(expected, parameters);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FAILURE", "UNSTABLE", "NOT_BUILT"})
  void failedBuildIsFailedWithTheLogsLastLines(String jenkinsResult) throws Exception {
    List<String> console = IntStream.range(0, 40).mapToObj(i -> "compiling " + i).toList();
    stub.script(
        JOB,
        new ScriptedRun(
                console, jenkinsResult, Map.of(), Duration.ZERO, Duration.ofMillis(150), false)
            .withArtifact(
                "build/hello_1.0-1_amd64.build", "sbuild log\n".getBytes(StandardCharsets.UTF_8)));

    BuildResult result = dispatcher(1).run(request("b43", reviewBuild()), line -> {});

    assertEquals(BuildStatus.FAILED, result.status());
    assertEquals(Optional.empty(), result.changesFile());
    assertEquals(
        List.of("hello_1.0-1_amd64.build"),
        result.artifacts().stream().map(Artifact::fileName).toList());
    List<String> excerpt = result.failureExcerpt();
    assertEquals(30, excerpt.size());
    assertEquals("compiling 11", excerpt.get(0));
    assertEquals("Finished: " + jenkinsResult, excerpt.get(29));
  }

  @Test
  void successWithoutAMatchingUploadIsAFailure() throws Exception {
    ScriptedRun run =
        uploadArtifacts(ScriptedRun.ending("SUCCESS", "built"))
            .withArtifact(
                "build/hello_1.0-1_all.deb", "not what was built".getBytes(StandardCharsets.UTF_8));
    stub.script(JOB, run);

    BuildResult result = dispatcher(1).run(request("b44", reviewBuild()), line -> {});

    assertEquals(BuildStatus.FAILED, result.status());
    assertTrue(
        result
            .failureExcerpt()
            .get(result.failureExcerpt().size() - 1)
            .contains("hello_1.0-1_all.deb does not match hello_1.0-1_amd64.changes"),
        result.failureExcerpt().toString());
  }

  @Test
  void successWithoutChangesIsAFailure() throws Exception {
    stub.script(JOB, ScriptedRun.ending("SUCCESS", "built nothing"));

    BuildResult result = dispatcher(1).run(request("b45", reviewBuild()), line -> {});

    assertEquals(BuildStatus.FAILED, result.status());
    assertTrue(
        result.failureExcerpt().get(result.failureExcerpt().size() - 1).contains("no .changes"));
  }

  @Test
  void rpmBuildTriggersTheRpmJobAndDownloadsItsSrpmAndBinaryRpms() throws Exception {
    assertEquals(PackageFormat.RPM, CENTOS7.format());
    Map<String, byte[]> archived = new LinkedHashMap<>();
    // As jjb/'s rpm job archives out/*: the SRPM, the binaries and perestroika build's log.
    archived.put("out/" + SRPM, fakeRpm(SRPM));
    for (String name : BINARY_RPMS) {
      archived.put("out/" + name, fakeRpm(name));
    }
    archived.put("out/hello.build", "rpmbuild log\n".getBytes(StandardCharsets.UTF_8));
    ScriptedRun run = ScriptedRun.ending("SUCCESS", "Wrote: /rpmbuild/SRPMS/" + SRPM);
    for (Map.Entry<String, byte[]> file : archived.entrySet()) {
      run = run.withArtifact(file.getKey(), file.getValue());
    }
    stub.script(RPM_JOB, run);
    DispatchRequest request = request("b70", rpmBuild(), CENTOS7);
    List<String> streamed = new ArrayList<>();

    BuildResult result = dispatcher(1).run(request, streamed::add);

    assertEquals(BuildStatus.SUCCEEDED, result.status(), () -> String.join("\n", streamed));
    assertEquals(Optional.empty(), result.changesFile());
    List<String> expected = new ArrayList<>(BINARY_RPMS);
    expected.add(SRPM);
    expected.add("hello.build");
    assertEquals(expected, result.artifacts().stream().map(Artifact::fileName).toList());
    for (Artifact artifact : result.artifacts()) {
      assertEquals(request.outDir().resolve(artifact.fileName()), artifact.path());
      assertArrayEquals(
          archived.get("out/" + artifact.fileName()), Files.readAllBytes(artifact.path()));
      assertEquals(Files.size(artifact.path()), artifact.size());
    }
    RecordedRequest trigger = onlyRequest("POST", "job/" + RPM_JOB + "/buildWithParameters");
    Map<String, String> parameters =
        expectedParameters("b70", "1234", "2", SPEC_PROJECT, SPEC_COMMIT);
    parameters.put("DIST", "centos7");
    assertEquals(parameters, trigger.parameters());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "hello-1.0-1.el7.x86_64.rpm | no source RPM (.src.rpm), only [hello-1.0-1.el7.x86_64",
        "hello-1.0-1.el7.src.rpm | no binary RPM beside hello-1.0-1.el7.src.rpm",
        "hello-1.0-1.el7.src.rpm hello-1.0-2.el7.src.rpm hello-1.0-1.el7.x86_64.rpm"
            + " | 2 source RPMs, [hello-1.0-1.el7.src.rpm, hello-1.0-2.el7.src.rpm]",
        "'' | no source RPM (.src.rpm) and no other file",
      })
  void rpmSuccessWithoutOneSrpmAndItsBinariesIsAFailure(String archived, String problem)
      throws Exception {
    ScriptedRun run = ScriptedRun.ending("SUCCESS", "built");
    for (String name : archived.isEmpty() ? new String[0] : archived.split(" ")) {
      run = run.withArtifact("out/" + name, fakeRpm(name));
    }
    stub.script(RPM_JOB, run);

    BuildResult result = dispatcher(1).run(request("b71", rpmBuild(), CENTOS7), line -> {});

    assertEquals(BuildStatus.FAILED, result.status());
    assertEquals(Optional.empty(), result.changesFile());
    String last = result.failureExcerpt().get(result.failureExcerpt().size() - 1);
    assertTrue(last.contains(problem), last);
  }

  @Test
  void rpmSuccessWithAnEmptyPackageIsAFailure() throws Exception {
    stub.script(
        RPM_JOB,
        ScriptedRun.ending("SUCCESS", "built")
            .withArtifact("out/" + SRPM, fakeRpm(SRPM))
            .withArtifact("out/" + BINARY_RPMS.get(0), new byte[0]));

    BuildResult result = dispatcher(1).run(request("b72", rpmBuild(), CENTOS7), line -> {});

    assertEquals(BuildStatus.FAILED, result.status());
    String last = result.failureExcerpt().get(result.failureExcerpt().size() - 1);
    assertTrue(last.contains(BINARY_RPMS.get(0) + " is empty"), last);
  }

  @Test
  void abortedBuildIsCancelled() throws Exception {
    stub.script(JOB, ScriptedRun.ending("ABORTED", "Aborted by admin"));

    BuildResult result = dispatcher(1).run(request("b46", reviewBuild()), line -> {});

    assertEquals(BuildStatus.CANCELLED, result.status());
    assertEquals(
        "Finished: ABORTED", result.failureExcerpt().get(result.failureExcerpt().size() - 1));
  }

  @Test
  void queueItemCancelledInJenkinsIsAnEnvironmentFailure() {
    stub.script(JOB, ScriptedRun.cancelledInQueueAfter(Duration.ofMillis(100)));

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> dispatcher(1).run(request("b47", reviewBuild()), line -> {}));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("cancelled in Jenkins' queue (item 100)"), e.getMessage());
  }

  @Test
  void missingJobNamesTheJobAndWhereItIsDefined() {
    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> dispatcher(1).run(request("b48", reviewBuild()), line -> {}));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("no job '" + JOB + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("jjb/"), e.getMessage());
  }

  @Test
  void jenkinsDownIsRetryable() throws IOException {
    URI nobody;
    try (ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      nobody = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/jenkins/");
    }
    JenkinsDispatcher dispatcher = dispatcher(config(nobody, TOKEN, 1, Duration.ofSeconds(5)));

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> dispatcher.run(request("b49", reviewBuild()), l -> {}));

    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("cannot reach Jenkins at " + nobody), e.getMessage());
  }

  @Test
  void serverErrorIsRetryable() {
    stub.script(JOB, ScriptedRun.ending("SUCCESS"));
    stub.failEveryRequestWith(503);

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> dispatcher(1).run(request("b50", reviewBuild()), line -> {}));

    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("answered 503"), e.getMessage());
  }

  @Test
  void wrongTokenIsNotRetryable() {
    stub.script(JOB, ScriptedRun.ending("SUCCESS"));
    JenkinsDispatcher dispatcher =
        dispatcher(config(stub.baseUrl(), "not-the-token", 1, Duration.ofSeconds(5)));

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> dispatcher.run(request("b51", reviewBuild()), l -> {}));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("answered 401"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-token"));
  }

  @Test
  void interruptWhileQueuedCancelsTheQueueItem() throws Exception {
    stub.script(JOB, ScriptedRun.ending("SUCCESS").withQueueDelay(Duration.ofHours(1)));
    JenkinsDispatcher dispatcher = dispatcher(1);

    Throwable thrown =
        interruptAfter(
            r -> r.is("GET", "queue/item/100/api/json"),
            () -> dispatcher.run(request("b52", reviewBuild()), line -> {}));

    assertInstanceOf(InterruptedException.class, thrown);
    RecordedRequest cancel = onlyRequest("POST", "queue/cancelItem");
    assertEquals(Map.of("id", "100"), cancel.query());
    assertTrue(cancel.header(JenkinsStub.CRUMB_FIELD).isPresent());
    assertEquals(204, cancel.status());
  }

  @Test
  void interruptWhileBuildingStopsTheBuild() throws Exception {
    stub.script(
        JOB, ScriptedRun.ending("SUCCESS", "a long build").withDuration(Duration.ofHours(1)));
    JenkinsDispatcher dispatcher = dispatcher(1);
    List<String> streamed = Collections.synchronizedList(new ArrayList<>());

    Throwable thrown =
        interruptAfter(
            r -> r.is("GET", "job/" + JOB + "/1/logText/progressiveText"),
            () -> dispatcher.run(request("b53", reviewBuild()), streamed::add));

    assertInstanceOf(InterruptedException.class, thrown);
    RecordedRequest stop = onlyRequest("POST", "job/" + JOB + "/1/stop");
    assertTrue(stop.header(JenkinsStub.CRUMB_FIELD).isPresent());
    assertEquals(302, stop.status());
    assertTrue(streamed.contains("perestroika: cancelled while building"), streamed.toString());
  }

  @Test
  void queueTimeoutCancelsTheItemAndIsRetryable() {
    stub.script(JOB, ScriptedRun.ending("SUCCESS").withQueueDelay(Duration.ofHours(1)));
    JenkinsDispatcher dispatcher =
        dispatcher(config(stub.baseUrl(), TOKEN, 1, Duration.ofMillis(200)));

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> dispatcher.run(request("b54", reviewBuild()), l -> {}));

    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("Waiting for next available executor"), e.getMessage());
    assertEquals(204, onlyRequest("POST", "queue/cancelItem").status());
  }

  @Test
  void buildPastItsTimeLimitIsStoppedAndTimedOut() throws Exception {
    stub.script(JOB, ScriptedRun.ending("SUCCESS", "sleeping").withDuration(Duration.ofHours(1)));
    DispatchRequest request = request("b55", reviewBuild());
    DispatchRequest limited =
        new DispatchRequest(
            request.build(),
            request.source(),
            request.dist(),
            BuildLimits.DEFAULTS.withTimeout(Duration.ofMillis(300)),
            request.outDir(),
            request.commits());

    BuildResult result = dispatcher(1).run(limited, line -> {});

    assertEquals(BuildStatus.TIMED_OUT, result.status());
    assertEquals(302, onlyRequest("POST", "job/" + JOB + "/1/stop").status());
  }

  @Test
  void csrfProtectionOffGoesOnWithoutACrumb() throws Exception {
    stub.csrfProtection(false);
    stub.script(JOB, uploadArtifacts(ScriptedRun.ending("SUCCESS", "built")));

    BuildResult result = dispatcher(1).run(request("b56", reviewBuild()), line -> {});

    assertEquals(BuildStatus.SUCCEEDED, result.status());
    assertEquals(404, onlyRequest("GET", "crumbIssuer/api/json").status());
    RecordedRequest trigger = onlyRequest("POST", "job/" + JOB + "/buildWithParameters");
    assertEquals(Optional.empty(), trigger.header(JenkinsStub.CRUMB_FIELD));
  }

  @Test
  void noMoreThanSlotsBuildsRunAtOnce() throws Exception {
    int builds = 6;
    for (int i = 0; i < builds; i++) {
      stub.script(
          JOB,
          uploadArtifacts(ScriptedRun.ending("SUCCESS", "build " + i))
              .withDuration(Duration.ofMillis(150)));
    }
    JenkinsDispatcher dispatcher = dispatcher(2);
    ExecutorService pool = Executors.newFixedThreadPool(builds);
    try {
      List<Future<BuildResult>> results = new ArrayList<>();
      for (int i = 0; i < builds; i++) {
        DispatchRequest request = request("b6" + i, reviewBuild());
        results.add(pool.submit(() -> dispatcher.run(request, line -> {})));
      }
      for (Future<BuildResult> result : results) {
        assertEquals(BuildStatus.SUCCEEDED, result.get(30, TimeUnit.SECONDS).status());
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(2, stub.maxInFlight());
    assertEquals(2, dispatcher.slots());
  }

  @Test
  void jobNameFollowsTheTemplate() {
    JenkinsDispatcher dispatcher =
        dispatcher(
            new JenkinsConfig(
                stub.baseUrl(),
                USER,
                TOKEN,
                "builds/{customer}/{package}-{dist}-{format}",
                1,
                Duration.ofMillis(10),
                Duration.ofSeconds(5)));

    assertEquals(
        "builds/acme/hello-bookworm-deb", dispatcher.jobName(request("b9", reviewBuild())));
    assertEquals(
        "builds/acme/hello-centos7-rpm", dispatcher.jobName(request("b9", rpmBuild(), CENTOS7)));
  }

  @Test
  void folderJobsAreReachedThroughTheirFolders() throws Exception {
    stub.script("farm/" + JOB, uploadArtifacts(ScriptedRun.ending("SUCCESS", "in a folder")));
    JenkinsDispatcher dispatcher =
        dispatcher(
            new JenkinsConfig(
                stub.baseUrl(),
                USER,
                TOKEN,
                "farm/{customer}-{release}-{format}-build",
                1,
                Duration.ofMillis(10),
                Duration.ofSeconds(5)));

    BuildResult result = dispatcher.run(request("b10", reviewBuild()), line -> {});

    assertEquals(BuildStatus.SUCCEEDED, result.status());
    onlyRequest("POST", "job/farm/job/" + JOB + "/buildWithParameters");
  }

  /** Runs {@code body} on a thread, interrupts it once the stub saw a matching request. */
  private Throwable interruptAfter(
      java.util.function.Predicate<RecordedRequest> seen, ThrowingRunnable body)
      throws InterruptedException {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    thread.start();
    stub.awaitRequest(seen, Duration.ofSeconds(10));
    thread.interrupt();
    thread.join(10_000);
    assertFalse(thread.isAlive(), "the dispatcher returned after the interrupt");
    return thrown.get();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private RecordedRequest onlyRequest(String method, String path) {
    List<RecordedRequest> matching =
        stub.requests().stream().filter(r -> r.is(method, path)).toList();
    assertEquals(1, matching.size(), () -> method + " " + path + " in " + stub.requests());
    return matching.get(0);
  }

  private static List<String> jenkinsLines(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("perestroika:")).toList();
  }

  private static Map<String, String> expectedParameters(
      String buildId, String change, String patchset, String specProject, String specCommit) {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("BUILD_ID", buildId);
    expected.put("GERRIT_PROJECT", "acme/openstack/hello");
    expected.put("GERRIT_BRANCH", "mos-10.0");
    expected.put("CODE_COMMIT", CODE_COMMIT);
    expected.put("SPEC_PROJECT", specProject);
    expected.put("SPEC_COMMIT", specCommit);
    expected.put("DIST", "bookworm");
    expected.put("PACKAGE", "hello");
    expected.put("RELEASE", "mos10.0");
    expected.put("CUSTOMER", "acme");
    expected.put("GERRIT_CHANGE", change);
    expected.put("GERRIT_PATCHSET", patchset);
    return expected;
  }

  private static ScriptedRun uploadArtifacts(ScriptedRun run) throws IOException {
    ScriptedRun withUpload = run;
    for (String name : UPLOAD) {
      withUpload = withUpload.withArtifact("build/" + name, Files.readAllBytes(fixture(name)));
    }
    return withUpload;
  }

  /** Stands in for an RPM: the stub serves any bytes, and the dispatcher does not run rpm. */
  private static byte[] fakeRpm(String name) {
    return ("fake package " + name + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static Path fixture(String name) {
    try {
      return Path.of(JenkinsDispatcherTest.class.getResource("/jenkins/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private JenkinsDispatcher dispatcher(int slots) {
    return dispatcher(config(stub.baseUrl(), TOKEN, slots, Duration.ofSeconds(5)));
  }

  private JenkinsDispatcher dispatcher(JenkinsConfig config) {
    JenkinsDispatcher dispatcher =
        new JenkinsDispatcher(config, build -> Optional.of(SPEC_PROJECT));
    dispatchers.add(dispatcher);
    return dispatcher;
  }

  private static JenkinsConfig config(URI base, String token, int slots, Duration queueTimeout) {
    return new JenkinsConfig(
        base,
        USER,
        token,
        "{customer}-{release}-{format}-build",
        slots,
        Duration.ofMillis(10),
        queueTimeout);
  }

  private static NewBuild reviewBuild() {
    return new NewBuild(
        BuildTrigger.REVIEW,
        "review.example.org",
        Optional.of(1234),
        Optional.of(2),
        "acme/openstack/hello",
        "mos-10.0",
        "acme",
        "mos10.0",
        "bookworm",
        "hello",
        CODE_COMMIT,
        Optional.of(SPEC_COMMIT),
        "bookworm-20261121");
  }

  private static NewBuild rpmBuild() {
    return new NewBuild(
        BuildTrigger.REVIEW,
        "review.example.org",
        Optional.of(1234),
        Optional.of(2),
        "acme/openstack/hello",
        "mos-10.0",
        "acme",
        "mos10.0",
        "centos7",
        "hello",
        CODE_COMMIT,
        Optional.of(SPEC_COMMIT),
        "rpmbuild/0123456789ab");
  }

  private DispatchRequest request(String buildId, NewBuild build) {
    return request(buildId, build, BOOKWORM);
  }

  private DispatchRequest request(String buildId, NewBuild build, Dist dist) {
    BuildRecord record =
        new BuildRecord(
            42,
            buildId,
            build,
            BuildState.RUNNING,
            Instant.parse("2026-11-21T12:00:00Z"),
            Optional.of(Instant.parse("2026-11-21T12:00:01Z")),
            Optional.empty(),
            "",
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return new DispatchRequest(
        record,
        tmp.resolve("source"),
        dist,
        BuildLimits.DEFAULTS,
        tmp.resolve("out-" + buildId),
        SourceCommits.same("0".repeat(40)));
  }
}
