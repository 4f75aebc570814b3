package org.perestroika.publisher.mirror;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves a directory over HTTP on 127.0.0.1 as a web server in front of a mirror would, following
 * symbolic links at each request. Records what was asked, can spoil or hide files for tests that
 * check a client's checks, and can hold a client between its InRelease and its indices.
 */
final class StaticHttpServer implements AutoCloseable {
  private final Path root;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> requests = new ArrayList<>();
  private final Set<String> corrupted = new HashSet<>();
  private final Set<String> hidden = new HashSet<>();
  private Hold pending;
  private Hold current;

  StaticHttpServer(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  synchronized void clearRequests() {
    requests.clear();
  }

  /** Serves the file at {@code path} (relative to the root) with its last byte flipped. */
  synchronized void corrupt(String path) {
    corrupted.add("/" + path);
  }

  /** Answers 404 for {@code path}, as if it were not there. */
  synchronized void hide(String path) {
    hidden.add("/" + path);
  }

  /**
   * Arms a hold: the next client update whose InRelease request comes after this call is stopped at
   * its first index request until the hold is released. Index requests of an update that began
   * before stay with that update's hold.
   */
  synchronized Hold arm() {
    pending = new Hold();
    return pending;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean corrupt;
      boolean hide;
      Hold hold = null;
      synchronized (this) {
        requests.add(path);
        corrupt = corrupted.contains(path);
        hide = hidden.contains(path);
        if (path.endsWith("/InRelease")) {
          current = pending;
        } else if (path.contains("/dists/")
            && !path.endsWith("/Release")
            && !path.endsWith("/Release.gpg")) {
          hold = current;
        }
      }
      if (hold != null) {
        hold.held.countDown();
        try {
          hold.release.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      Path file = root.resolve(path.substring(1)).normalize();
      byte[] body;
      try {
        // One read of the file as the link resolves now: what a web server sends.
        body = !file.startsWith(root) || hide ? null : Files.readAllBytes(file);
      } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
        body = null;
      } catch (IOException e) {
        body = null; // a directory
      }
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (corrupt && body.length > 0) {
        body[body.length - 1] ^= 1;
      }
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (pending != null) {
        pending.release();
      }
      if (current != null) {
        current.release();
      }
    }
    server.stop(0);
    executor.shutdownNow();
  }

  /** One held client update. */
  static final class Hold {
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /** Waits until a client is stopped between its InRelease and its indices. */
    void awaitHeld() throws InterruptedException {
      if (!held.await(5, TimeUnit.MINUTES)) {
        throw new AssertionError("no client update came to be held");
      }
    }

    void release() {
      release.countDown();
    }
  }
}
