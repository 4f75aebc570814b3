package org.perestroika.scheduler.gerrit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.gerrit.GerritEvents;
import org.perestroika.core.gerrit.MalformedEventException;
import org.perestroika.scheduler.gerrit.ConnectionState.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventStream} over {@code ssh -p PORT USER@HOST gerrit stream-events}, with Apache MINA
 * SSHD as the SSH client. One daemon thread per stream connects, reads and reconnects.
 */
public final class SshEventStream implements EventStream {
  static final String COMMAND = "gerrit stream-events";
  private static final Logger LOG = LoggerFactory.getLogger(SshEventStream.class);
  // Gerrit limits commit messages to far less; a longer line is garbage, and reading it whole
  // would let one bad line exhaust the heap.
  private static final int MAX_LINE_CHARS = 8 * 1024 * 1024;
  private static final int MAX_STDERR_BYTES = 4096;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final GerritServerConfig server;
  private final SshStreamOptions options;
  private final Clock clock;
  private final AtomicReference<ConnectionState> state;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicReference<ClientSession> session = new AtomicReference<>();
  // Why MINA ended the current session (a missed heartbeat, a disconnect message), which the
  // reader only sees as the end of its input.
  private final AtomicReference<String> sessionEnd = new AtomicReference<>();
  private SshClient client;
  private Thread thread;

  public SshEventStream(GerritServerConfig server, SshStreamOptions options, Clock clock) {
    this.server = Objects.requireNonNull(server, "server");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.state =
        new AtomicReference<>(
            new ConnectionState(Status.DISCONNECTED, clock.instant(), Optional.empty(), 0));
  }

  @Override
  public synchronized void start(Consumer<GerritEvent> events, Runnable onConnected) {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(onConnected, "onConnected");
    if (thread != null || isClosing()) {
      throw new IllegalStateException("Gerrit " + server.name() + ": stream already started");
    }
    List<KeyPair> keys = loadKeys();
    client = SshClient.setUpDefaultClient();
    client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(keys));
    // Only the configured key: no password prompts, no keys picked up from ~/.ssh.
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setServerKeyVerifier(
        server
            .knownHosts()
            .<org.apache.sshd.client.keyverifier.ServerKeyVerifier>map(
                file -> new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, file))
            .orElse(AcceptAllServerKeyVerifier.INSTANCE));
    // Replies to keepalive requests are what tells a quiet stream from a dead connection (a
    // firewall that forgot the connection drops packets without resetting it), so the heartbeat,
    // not an idle timeout, decides when the connection is gone.
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, options.heartbeatInterval());
    CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, options.heartbeatMissedMax());
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    client.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionException(Session ended, Throwable t) {
            if (ended == session.get()) {
              sessionEnd.compareAndSet(null, message(t));
            }
          }

          @Override
          public void sessionDisconnect(
              Session ended, int reason, String msg, String language, boolean initiator) {
            if (ended == session.get() && !initiator && msg != null && !msg.isBlank()) {
              sessionEnd.compareAndSet(null, "server disconnected: " + msg);
            }
          }
        });
    client.start();
    thread = new Thread(() -> run(events, onConnected), "gerrit-events-" + server.name());
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public ConnectionState state() {
    return state.get();
  }

  @Override
  public void close() {
    Thread running;
    SshClient started;
    synchronized (this) {
      if (isClosing()) {
        return;
      }
      closing.countDown();
      running = thread;
      started = client;
    }
    ClientSession current = session.get();
    if (current != null) {
      current.close(true);
    }
    if (running != null) {
      // Not interrupted: the latch already ends a backoff wait, and an interrupt landing in a
      // callback could break its I/O (an embedded H2 store closes its file on interrupt).
      try {
        running.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (running.isAlive()) {
        LOG.warn(
            "Gerrit {}: event stream thread still busy in a callback after {}",
            server.name(),
            CLOSE_WAIT);
      }
    }
    if (started != null) {
      started.stop();
    }
    ConnectionState last = state.get();
    state.set(
        new ConnectionState(
            Status.DISCONNECTED, clock.instant(), Optional.of("closed"), last.failures()));
  }

  private boolean isClosing() {
    return closing.getCount() == 0;
  }

  private List<KeyPair> loadKeys() {
    if (!Files.isReadable(server.privateKey())) {
      throw new EnvironmentException(
          "Gerrit " + server.name() + ": cannot read SSH private key " + server.privateKey(),
          false);
    }
    server
        .knownHosts()
        .filter(file -> !Files.isReadable(file))
        .ifPresent(
            file -> {
              throw new EnvironmentException(
                  "Gerrit " + server.name() + ": cannot read known_hosts file " + file, false);
            });
    List<KeyPair> keys = new ArrayList<>();
    try {
      new FileKeyPairProvider(server.privateKey()).loadKeys(null).forEach(keys::add);
    } catch (RuntimeException e) {
      throw new EnvironmentException(
          "Gerrit "
              + server.name()
              + ": cannot load SSH private key "
              + server.privateKey()
              + " (it must be an unencrypted RSA or ECDSA key): "
              + e.getMessage(),
          false,
          e);
    }
    if (keys.isEmpty()) {
      throw new EnvironmentException(
          "Gerrit " + server.name() + ": no private key in " + server.privateKey(), false);
    }
    return keys;
  }

  private void run(Consumer<GerritEvent> events, Runnable onConnected) {
    int failures = 0;
    Optional<String> lastError = Optional.empty();
    while (!isClosing()) {
      state.set(new ConnectionState(Status.CONNECTING, clock.instant(), lastError, failures));
      Attempt attempt = new Attempt();
      String ended;
      try {
        ended = stream(attempt, events, onConnected);
      } catch (IOException | RuntimeException e) {
        ended = describe(e);
      }
      if (isClosing()) {
        break;
      }
      Instant now = clock.instant();
      if (attempt.connectedAt != null
          && Duration.between(attempt.connectedAt, now).compareTo(options.healthyAfter()) >= 0) {
        failures = 0;
      }
      failures++;
      lastError = Optional.of(ended);
      Duration delay = options.backoff(failures);
      state.set(new ConnectionState(Status.DISCONNECTED, now, lastError, failures));
      LOG.warn(
          "Gerrit {}: event stream {}; reconnecting in {} ms (attempt {})",
          server.name(),
          ended,
          delay.toMillis(),
          failures + 1);
      try {
        if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }

  /** Streams until the connection ends; returns why, phrased for "event stream ...". */
  private String stream(Attempt attempt, Consumer<GerritEvent> events, Runnable onConnected)
      throws IOException {
    Duration timeout = options.connectTimeout();
    sessionEnd.set(null);
    try (ClientSession connected =
        client
            .connect(server.sshUser(), server.sshHost(), server.sshPort())
            .verify(timeout)
            .getSession()) {
      session.set(connected);
      if (isClosing()) {
        return "closed";
      }
      connected.auth().verify(timeout);
      ByteArrayOutputStream stderr = new BoundedBuffer(MAX_STDERR_BYTES);
      try (ChannelExec channel = connected.createExecChannel(COMMAND)) {
        channel.setErr(stderr);
        channel.open().verify(timeout);
        attempt.connectedAt = clock.instant();
        state.set(new ConnectionState(Status.CONNECTED, attempt.connectedAt, Optional.empty(), 0));
        LOG.info(
            "Gerrit {}: event stream connected to {}:{}",
            server.name(),
            server.sshHost(),
            server.sshPort());
        notifyConnected(onConnected);
        read(channel.getInvertedOut(), events, onConnected);
        if (isClosing()) {
          return "closed";
        }
        channel.waitFor(
            EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS),
            Duration.ofMillis(500));
        Integer exit = channel.getExitStatus();
        String why =
            exit != null
                ? "ended: " + COMMAND + " exited with " + exit
                : "lost its connection"
                    + Optional.ofNullable(sessionEnd.get()).map(end -> ": " + end).orElse("");
        String err = stderr.toString(StandardCharsets.UTF_8).strip();
        return err.isEmpty() ? why : why + " (" + err + ")";
      }
    } finally {
      session.set(null);
    }
  }

  private void read(InputStream out, Consumer<GerritEvent> events, Runnable onConnected)
      throws IOException {
    Reader reader = new InputStreamReader(out, StandardCharsets.UTF_8);
    StringBuilder line = new StringBuilder();
    boolean overlong = false;
    int c;
    while ((c = readChar(reader)) >= 0) {
      if (c != '\n') {
        if (line.length() < MAX_LINE_CHARS) {
          line.append((char) c);
        } else if (!overlong) {
          overlong = true;
          LOG.warn(
              "Gerrit {}: skipping an event line longer than {} characters",
              server.name(),
              MAX_LINE_CHARS);
        }
        continue;
      }
      if (!overlong) {
        handle(line.toString(), events, onConnected);
      }
      line.setLength(0);
      overlong = false;
    }
  }

  private int readChar(Reader reader) throws IOException {
    try {
      return reader.read();
    } catch (IOException e) {
      // The pipe from a session closed under us reports the close as an error; it is an end.
      if (isClosing()) {
        return -1;
      }
      throw e;
    }
  }

  private void handle(String line, Consumer<GerritEvent> events, Runnable onConnected) {
    // Lines still buffered when close() ran are dropped: close() promises no callback after it.
    if (line.isBlank() || isClosing()) {
      return;
    }
    GerritEvent event;
    try {
      event = GerritEvents.parse(line);
    } catch (MalformedEventException e) {
      LOG.warn("Gerrit {}: skipping event: {}", server.name(), e.getMessage());
      return;
    }
    try {
      events.accept(event);
    } catch (RuntimeException e) {
      LOG.error(
          "Gerrit {}: handling {} event of {} failed",
          server.name(),
          event.type(),
          event.createdOn(),
          e);
    }
    if ("dropped-output".equals(event.type())) {
      LOG.warn("Gerrit {}: the server dropped events for this stream", server.name());
      notifyConnected(onConnected);
    }
  }

  private void notifyConnected(Runnable onConnected) {
    if (isClosing()) {
      return;
    }
    try {
      onConnected.run();
    } catch (RuntimeException e) {
      LOG.error("Gerrit {}: catch-up after connecting failed", server.name(), e);
    }
  }

  private String describe(Exception e) {
    String message = Optional.ofNullable(sessionEnd.get()).orElseGet(() -> message(e));
    return "failed to connect to "
        + server.sshUser()
        + "@"
        + server.sshHost()
        + ":"
        + server.sshPort()
        + ": "
        + message;
  }

  /** The innermost cause's message: MINA wraps "Connection refused" in two layers of futures. */
  private static String message(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? t.getMessage() : root.getMessage();
    return text == null ? root.getClass().getSimpleName() : text;
  }

  /** What one connection attempt got to. */
  private static final class Attempt {
    Instant connectedAt;
  }

  /** Keeps the first bytes written, so a chatty stderr cannot grow without bound. */
  private static final class BoundedBuffer extends ByteArrayOutputStream {
    private final int limit;

    BoundedBuffer(int limit) {
      this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
      if (count < limit) {
        super.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      super.write(b, off, Math.max(0, Math.min(len, limit - count)));
    }
  }
}
