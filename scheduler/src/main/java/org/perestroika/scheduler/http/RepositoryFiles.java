package org.perestroika.scheduler.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Serves the published repository trees read-only under {@code /repos/}, so that the test
 * repository a vote names can be used from a developer's machine with nothing else installed. Links
 * are followed (a tree is a link to its current snapshot, whose pool is a link to the pool the
 * snapshots share) but never out of the repository root, and no hidden name is served: the
 * snapshots' own directories, with reprepro's database, are reached only through the links.
 */
final class RepositoryFiles {
  static final String PREFIX = "/repos/";

  private final Path root;

  RepositoryFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** Answers a GET or HEAD of {@code /repos/<path>} with the file, or 404. */
  void serve(HttpExchange exchange) throws IOException {
    URI uri = exchange.getRequestURI();
    Path file = resolve(uri.getPath().substring(PREFIX.length()));
    long size = Files.size(file);
    exchange.getResponseHeaders().set("Content-Type", contentType(file));
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(200, head ? -1 : (size == 0 ? -1 : size));
    if (!head && size > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        Files.copy(file, out);
      }
    }
  }

  private Path resolve(String relative) throws IOException {
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".") || segment.contains("\\")) {
        throw notFound(relative);
      }
    }
    Path real;
    try {
      real = root.resolve(relative).toRealPath();
    } catch (NoSuchFileException e) {
      throw notFound(relative);
    }
    if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real)) {
      throw notFound(relative);
    }
    return real;
  }

  private static HttpProblem notFound(String relative) {
    return new HttpProblem(404, "no published file " + PREFIX + relative);
  }

  private static String contentType(Path file) {
    String name = file.getFileName().toString();
    boolean text =
        name.equals("InRelease")
            || name.equals("Release")
            || name.equals("Packages")
            || name.equals("Sources")
            || name.endsWith(".xml")
            || name.endsWith(".asc")
            || name.startsWith("RPM-GPG-KEY-");
    return text ? "text/plain; charset=utf-8" : "application/octet-stream";
  }
}
