package org.perestroika.scheduler.gerrit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;

/**
 * An SSH server on 127.0.0.1 that speaks just enough of Gerrit: it admits one user with one key,
 * and for {@code gerrit stream-events} hands the test a {@link Stream} to write event lines to.
 */
final class FakeGerritSsh implements AutoCloseable {
  static final String USER = "perestroika";

  private final SshServer server;
  private final BlockingQueue<Stream> started = new LinkedBlockingQueue<>();
  // Sessions rather than calls: a client asks about its key once before signing with it.
  private final Set<ServerSession> authenticated = ConcurrentHashMap.newKeySet();
  private volatile String refusal;

  FakeGerritSsh(PublicKey authorized) throws IOException {
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
    server.setPublickeyAuthenticator(
        (user, key, session) -> {
          boolean ok = USER.equals(user) && KeyUtils.compareKeys(authorized, key);
          if (ok) {
            authenticated.add(session);
          }
          return ok;
        });
    server.setCommandFactory((channel, command) -> new Stream(command));
    server.start();
  }

  int port() {
    return server.getPort();
  }

  /** A known_hosts line for this server's host key, as {@code ssh-keyscan} would print it. */
  String knownHostsLine() throws IOException, GeneralSecurityException {
    PublicKey hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
    return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey);
  }

  /** Sessions that logged in so far. */
  int logins() {
    return authenticated.size();
  }

  /** From now on, {@code gerrit stream-events} fails at once with this on stderr and exit 1. */
  void refuseStreams(String stderr) {
    refusal = stderr;
  }

  /** The next stream a client started, waiting up to 10 s. */
  Stream awaitStream() throws InterruptedException {
    Stream stream = started.poll(10, TimeUnit.SECONDS);
    if (stream == null) {
      throw new AssertionError("no stream-events command started within 10 s");
    }
    return stream;
  }

  /** Whether a client started another stream within {@code wait}. */
  boolean streamStartedWithin(Duration wait) throws InterruptedException {
    return started.poll(wait.toMillis(), TimeUnit.MILLISECONDS) != null;
  }

  /** Closes every session at once, as a Gerrit restart or a reset connection does. */
  void dropConnections() {
    server.getActiveSessions().forEach(session -> session.close(true));
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }

  /** An unencrypted OpenSSH private key, written where the client will read it. */
  static KeyPair writeKey(Path file) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "perestroika@test", null, out);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return pair;
  }

  /** One run of a command; for {@code gerrit stream-events}, a line sink for the test. */
  final class Stream implements Command {
    private final String command;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    Stream(String command) {
      this.command = command;
    }

    /** Writes each line and a newline, flushed, as Gerrit does per event. */
    synchronized void send(String... lines) throws IOException {
      for (String line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }

    @Override
    public void setInputStream(java.io.InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
      this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      String refused = refusal;
      if (!SshEventStream.COMMAND.equals(command) || refused != null) {
        String message = refused != null ? refused : "fatal: " + command + ": not found";
        err.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        err.flush();
        exit.onExit(1, message);
        return;
      }
      started.add(this);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
