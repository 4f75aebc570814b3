package org.perestroika.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mirror host for tests: an rsync daemon on 127.0.0.1, a child of the test's JVM, serving one
 * module {@code mos} from a directory, configured as the mirror sync documents.
 */
public final class RsyncDaemon implements AutoCloseable {
  public static final String MODULE = "mos";

  /** The module settings a mirror needs: writable, and links kept exactly as sent. */
  public static final String DOCUMENTED_SETTINGS =
      "  read only = no\n  use chroot = no\n  munge symlinks = no\n";

  /** Without chroot, rsync's own default munges links: what a mirror must not have. */
  public static final String DEFAULT_LINK_SETTINGS = "  read only = no\n  use chroot = no\n";

  private final Path dir;
  private final Path module;
  private final int port;
  private Process process;

  private RsyncDaemon(Path dir, Path module, int port) {
    this.dir = dir;
    this.module = module;
    this.port = port;
  }

  public static RsyncDaemon start(Path dir) {
    return start(dir, DOCUMENTED_SETTINGS);
  }

  public static RsyncDaemon start(Path dir, String moduleSettings) {
    try {
      Path module = Files.createDirectories(dir.resolve("module"));
      // As whoever runs the tests (rsync would switch to nobody when started as root).
      Object uid = Files.getAttribute(module, "unix:uid");
      Object gid = Files.getAttribute(module, "unix:gid");
      Files.writeString(
          dir.resolve("rsyncd.conf"),
          "log file = "
              + dir.resolve("rsyncd.log")
              + "\n["
              + MODULE
              + "]\n  path = "
              + module
              + "\n"
              + moduleSettings
              + "  uid = "
              + uid
              + "\n  gid = "
              + gid
              + "\n");
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      RsyncDaemon daemon = new RsyncDaemon(dir, module, port);
      daemon.launch();
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory the module serves: the mirror's root, as the mirror host sees it. */
  public Path module() {
    return module;
  }

  public String url() {
    return "rsync://127.0.0.1:" + port + "/" + MODULE;
  }

  /** Starts it again on the same port and directory after {@link #stop()}. */
  public void restart() {
    launch();
  }

  private void launch() {
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      "rsync",
                      "--daemon",
                      "--no-detach",
                      "--config=" + dir.resolve("rsyncd.conf"),
                      "--address=127.0.0.1",
                      "--port=" + port))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.out").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Ready once it accepts a connection; a bound guards a daemon that never comes up.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the rsync daemon did not start; see " + dir.resolve("daemon.out"), notYet);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Stops the daemon and the processes serving its connections, with SIGTERM as an administrator or
   * a shutdown would: a receiving rsync then keeps what it had of a file (--partial-dir).
   */
  public void stop() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      process.waitFor(30, TimeUnit.SECONDS);
      for (ProcessHandle child : children) {
        child.onExit().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      children.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }
}
