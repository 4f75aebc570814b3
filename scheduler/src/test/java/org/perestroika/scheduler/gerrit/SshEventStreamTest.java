package org.perestroika.scheduler.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.gerrit.GerritEvent.ChangeMerged;
import org.perestroika.core.gerrit.GerritEvent.CommentAdded;
import org.perestroika.core.gerrit.GerritEvent.PatchsetCreated;
import org.perestroika.core.gerrit.GerritEvent.Unsupported;
import org.perestroika.scheduler.gerrit.ConnectionState.Status;

/** SshEventStream against an in-process SSH server that plays Gerrit's stream-events. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshEventStreamTest {
  private static final Duration FAST = Duration.ofMillis(50);
  private static final String DROPPED =
      "{\"type\":\"dropped-output\",\"eventCreatedOn\":1718010400}";

  @TempDir Path dir;
  private Path key;
  private FakeGerritSsh gerrit;
  private SshEventStream stream;
  private final BlockingQueue<GerritEvent> events = new LinkedBlockingQueue<>();
  private final AtomicInteger connects = new AtomicInteger();
  private final BlockingQueue<ConnectionState> statesOnConnect = new LinkedBlockingQueue<>();

  @BeforeEach
  void startServer() throws Exception {
    key = dir.resolve("id_ecdsa");
    gerrit = new FakeGerritSsh(FakeGerritSsh.writeKey(key).getPublic());
  }

  @AfterEach
  void stopAll() throws IOException {
    if (stream != null) {
      stream.close();
    }
    gerrit.close();
  }

  @Test
  void deliversEventsInOrderAndSkipsAMalformedLine() throws Exception {
    stream = start(gerrit.port(), options(FAST, FAST));
    FakeGerritSsh.Stream server = gerrit.awaitStream();

    server.send(sampleLines().toArray(String[]::new));

    assertInstanceOf(PatchsetCreated.class, next());
    CommentAdded comment = assertInstanceOf(CommentAdded.class, next());
    assertEquals("Patch Set 2:\n\nrecheck", comment.comment());
    assertEquals("reviewer-added", assertInstanceOf(Unsupported.class, next()).type());
    assertInstanceOf(ChangeMerged.class, next());
    assertNull(events.poll(200, TimeUnit.MILLISECONDS));
    assertEquals(1, connects.get());
    ConnectionState state = stream.state();
    assertEquals(Status.CONNECTED, state.status());
    assertEquals(Optional.empty(), state.lastError());
    assertEquals(0, state.failures());
  }

  @Test
  void reconnectsAfterTheServerDropsTheConnectionAndAsksForACatchUp() throws Exception {
    // A backoff long enough to observe the DISCONNECTED state in between.
    stream = start(gerrit.port(), options(Duration.ofMillis(400), Duration.ofMillis(800)));
    gerrit.awaitStream().send(sampleLines().get(0));
    assertInstanceOf(PatchsetCreated.class, next());
    assertEquals(Status.CONNECTED, statesOnConnect.take().status());

    gerrit.dropConnections();

    awaitState(s -> s.status() == Status.DISCONNECTED);
    ConnectionState down = stream.state();
    assertEquals(1, down.failures());
    assertTrue(down.lastError().orElseThrow().contains("lost its connection"), down.toString());
    FakeGerritSsh.Stream again = gerrit.awaitStream();
    assertEquals(Status.CONNECTED, statesOnConnect.take().status());
    assertEquals(2, connects.get());
    again.send(sampleLines().get(1));
    assertInstanceOf(CommentAdded.class, next());
    assertEquals(2, gerrit.logins());
  }

  @Test
  void backsOffLongerAfterEachFailureAndReportsTheServersError() throws Exception {
    gerrit.refuseStreams("fatal: stream-events: not permitted");
    stream = start(gerrit.port(), options(Duration.ofMillis(100), Duration.ofMillis(1600)));

    awaitState(s -> s.failures() >= 3);
    ConnectionState state = stream.state();
    assertTrue(
        state
            .lastError()
            .orElseThrow()
            .contains("exited with 1 (fatal: stream-events: not permitted)"),
        state.toString());
    assertEquals(
        Duration.ofMillis(400),
        options(Duration.ofMillis(100), Duration.ofMillis(1600)).backoff(3));
    assertTrue(gerrit.logins() >= 3);
  }

  @Test
  void aSilentlyDeadConnectionIsNoticedByTheHeartbeat() throws Exception {
    try (BlackholeProxy proxy = new BlackholeProxy(gerrit.port())) {
      SshStreamOptions options =
          new SshStreamOptions(
              Duration.ofSeconds(5), Duration.ofMillis(200), 2, FAST, FAST, Duration.ofSeconds(10));
      stream = start(proxy.port(), options);
      gerrit.awaitStream();
      statesOnConnect.take();

      // Heartbeats are answered: the connection stays up through several of them.
      assertFalse(gerrit.streamStartedWithin(Duration.ofMillis(1200)));
      assertEquals(Status.CONNECTED, stream.state().status());

      proxy.swallowOpenConnections();

      awaitState(s -> s.status() != Status.CONNECTED);
      assertEquals(
          Optional.of("lost its connection: Got 2 heartbeat requests without reply"),
          stream.state().lastError());
      FakeGerritSsh.Stream again = gerrit.awaitStream();
      statesOnConnect.take();
      assertEquals(2, connects.get());
      again.send(sampleLines().get(0));
      assertInstanceOf(PatchsetCreated.class, next());
    }
  }

  @Test
  void aDroppedOutputNoticeAsksForACatchUp() throws Exception {
    stream = start(gerrit.port(), options(FAST, FAST));
    FakeGerritSsh.Stream server = gerrit.awaitStream();

    server.send(DROPPED, sampleLines().get(0));

    assertEquals("dropped-output", next().type());
    assertInstanceOf(PatchsetCreated.class, next());
    assertEquals(2, connects.get());
    assertEquals(1, gerrit.logins());
  }

  @Test
  void aFailingConsumerDoesNotStopTheStream() throws Exception {
    stream = new SshEventStream(config(gerrit.port()), options(FAST, FAST), Clock.systemUTC());
    AtomicInteger calls = new AtomicInteger();
    Consumer<GerritEvent> failingFirst =
        event -> {
          if (calls.getAndIncrement() == 0) {
            throw new IllegalStateException("database is down");
          }
          events.add(event);
        };
    stream.start(failingFirst, connects::incrementAndGet);

    gerrit.awaitStream().send(sampleLines().get(0), sampleLines().get(1));

    assertInstanceOf(CommentAdded.class, next());
    assertEquals(1, connects.get());
  }

  @Test
  void aWrongKeyIsReportedAndRetried() throws Exception {
    FakeGerritSsh.writeKey(key); // a new key the server does not know

    stream = start(gerrit.port(), options(FAST, FAST));

    awaitState(s -> s.failures() >= 2);
    assertTrue(
        stream
            .state()
            .lastError()
            .orElseThrow()
            .startsWith("failed to connect to perestroika@127.0.0.1:"));
    assertEquals(0, connects.get());
  }

  @Test
  void isConnectingUntilASilentServerTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SshStreamOptions options =
          new SshStreamOptions(
              Duration.ofMillis(500),
              Duration.ofSeconds(5),
              3,
              Duration.ofSeconds(30),
              Duration.ofSeconds(30),
              Duration.ofSeconds(10));
      stream = new SshEventStream(config(silent.getLocalPort()), options, Clock.systemUTC());
      assertEquals(
          new ConnectionState(Status.DISCONNECTED, stream.state().since(), Optional.empty(), 0),
          stream.state());

      stream.start(events::add, connects::incrementAndGet);

      awaitState(s -> s.status() == Status.CONNECTING);
      awaitState(s -> s.status() == Status.DISCONNECTED && s.failures() == 1);
      assertTrue(
          stream.state().lastError().orElseThrow().startsWith("failed to connect"),
          stream.state().toString());
      assertEquals(0, connects.get());
    }
  }

  @Test
  void checksTheHostKeyAgainstKnownHosts() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, gerrit.knownHostsLine() + "\n");
    stream =
        new SshEventStream(
            withKnownHosts(gerrit.port(), knownHosts), options(FAST, FAST), Clock.systemUTC());
    stream.start(events::add, connects::incrementAndGet);

    gerrit.awaitStream().send(sampleLines().get(0));

    assertInstanceOf(PatchsetCreated.class, next());
  }

  @Test
  void refusesAHostKeyKnownHostsDoesNotHave() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    try (FakeGerritSsh other =
        new FakeGerritSsh(FakeGerritSsh.writeKey(dir.resolve("k2")).getPublic())) {
      // The right host and port, but another server's key: what a man in the middle presents.
      Files.writeString(
          knownHosts,
          other.knownHostsLine().replace(":" + other.port() + " ", ":" + gerrit.port() + " ")
              + "\n");
    }
    stream =
        new SshEventStream(
            withKnownHosts(gerrit.port(), knownHosts), options(FAST, FAST), Clock.systemUTC());
    stream.start(events::add, connects::incrementAndGet);

    awaitState(s -> s.failures() >= 2);
    assertTrue(
        stream.state().lastError().orElseThrow().endsWith("Server key did not validate"),
        stream.state().toString());
    assertEquals(0, gerrit.logins());
    assertEquals(0, connects.get());
  }

  @Test
  void closeIsPromptWhileConnected() throws Exception {
    stream = start(gerrit.port(), options(FAST, FAST));
    gerrit.awaitStream();
    statesOnConnect.take();

    long started = System.nanoTime();
    stream.close();

    assertTrue(elapsed(started).compareTo(Duration.ofSeconds(1)) < 0, elapsed(started).toString());
    assertEquals(Status.DISCONNECTED, stream.state().status());
    assertEquals(Optional.of("closed"), stream.state().lastError());
    assertFalse(gerrit.streamStartedWithin(Duration.ofMillis(300)));
    stream.close();
  }

  @Test
  void closeIsPromptDuringALongBackoff() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    stream = start(closedPort, options(Duration.ofSeconds(30), Duration.ofSeconds(30)));
    awaitState(s -> s.failures() == 1);
    assertEquals(
        Optional.of(
            "failed to connect to perestroika@127.0.0.1:" + closedPort + ": Connection refused"),
        stream.state().lastError());

    long started = System.nanoTime();
    stream.close();

    assertTrue(elapsed(started).compareTo(Duration.ofSeconds(1)) < 0, elapsed(started).toString());
  }

  @Test
  void refusesAnUnreadableKeyAtStartAndASecondStart() throws Exception {
    SshEventStream missing =
        new SshEventStream(
            configWithKey(gerrit.port(), dir.resolve("absent")),
            options(FAST, FAST),
            Clock.systemUTC());
    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> missing.start(events::add, () -> {}));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("cannot read SSH private key"), e.getMessage());

    Files.writeString(dir.resolve("garbage"), "not a key");
    SshEventStream garbage =
        new SshEventStream(
            configWithKey(gerrit.port(), dir.resolve("garbage")),
            options(FAST, FAST),
            Clock.systemUTC());
    assertThrows(EnvironmentException.class, () -> garbage.start(events::add, () -> {}));

    stream = start(gerrit.port(), options(FAST, FAST));
    assertThrows(IllegalStateException.class, () -> stream.start(events::add, () -> {}));
  }

  private SshEventStream start(int port, SshStreamOptions options) {
    SshEventStream started = new SshEventStream(config(port), options, Clock.systemUTC());
    started.start(
        events::add,
        () -> {
          connects.incrementAndGet();
          statesOnConnect.add(started.state());
        });
    return started;
  }

  private static SshStreamOptions options(Duration initialBackoff, Duration maxBackoff) {
    return new SshStreamOptions(
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        3,
        initialBackoff,
        maxBackoff,
        Duration.ofSeconds(10));
  }

  private GerritServerConfig withKnownHosts(int port, Path knownHosts) {
    GerritServerConfig plain = config(port);
    return new GerritServerConfig(
        plain.name(),
        plain.sshHost(),
        plain.sshPort(),
        plain.sshUser(),
        plain.privateKey(),
        Optional.of(knownHosts),
        plain.httpUrl(),
        plain.httpUser(),
        plain.httpPassword());
  }

  private GerritServerConfig config(int port) {
    return configWithKey(port, key);
  }

  private static GerritServerConfig configWithKey(int port, Path privateKey) {
    return new GerritServerConfig(
        "test",
        "127.0.0.1",
        port,
        FakeGerritSsh.USER,
        privateKey,
        Optional.empty(),
        URI.create("http://127.0.0.1:8080"),
        FakeGerritSsh.USER,
        new Secret("unused"));
  }

  private GerritEvent next() throws InterruptedException {
    GerritEvent event = events.poll(10, TimeUnit.SECONDS);
    if (event == null) {
      throw new AssertionError("no event within 10 s; stream state " + stream.state());
    }
    return event;
  }

  private void awaitState(java.util.function.Predicate<ConnectionState> wanted)
      throws InterruptedException {
    BooleanSupplier reached = () -> wanted.test(stream.state());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!reached.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("state not reached within 10 s: " + stream.state());
      }
      Thread.sleep(5);
    }
  }

  private static Duration elapsed(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static List<String> sampleLines() throws IOException {
    try (InputStream in =
        SshEventStreamTest.class.getResourceAsStream("/gerrit/stream-events.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
