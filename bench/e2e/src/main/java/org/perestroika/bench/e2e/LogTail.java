package org.perestroika.bench.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Follows the one build a push starts through the scheduler's builds directory, every {@value
 * #TICK_MS} ms: when its directory appears, when its {@code out/} appears (the builder has begun,
 * so the source is assembled), and each line of its {@code build.log} as it is written (the
 * scheduler flushes every line). The scheduler logs these steps without times; this gives them
 * times, late by at most a tick.
 */
final class LogTail implements AutoCloseable {
  static final int TICK_MS = 10;

  /** A line of the build log and when it was first seen. */
  record Line(Instant seen, String text) {}

  private final Path buildsDir;
  private final Set<String> before;
  private final Thread thread;
  private volatile boolean stopped;

  private String buildId;
  private Instant dirSeen;
  private Instant outSeen;
  private final List<Line> lines = new ArrayList<>();
  private long offset;
  private final StringBuilder partial = new StringBuilder();

  /** Starts following; the build is the first directory not in {@code buildsDir} now. */
  LogTail(Path buildsDir) {
    this.buildsDir = buildsDir;
    this.before = Set.copyOf(list());
    this.thread = new Thread(this::follow, "log-tail");
    thread.setDaemon(true);
    thread.start();
  }

  private List<String> list() {
    if (!Files.isDirectory(buildsDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(buildsDir)) {
      return entries.map(p -> p.getFileName().toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void follow() {
    while (!stopped) {
      tick();
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void tick() {
    Instant now = Instant.now();
    if (buildId == null) {
      for (String name : list()) {
        if (!before.contains(name)) {
          buildId = name;
          dirSeen = now;
          break;
        }
      }
      if (buildId == null) {
        return;
      }
    }
    Path dir = buildsDir.resolve(buildId);
    if (outSeen == null && Files.isDirectory(dir.resolve("out"))) {
      outSeen = now;
    }
    Path log = dir.resolve("build.log");
    if (!Files.exists(log)) {
      return;
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      if (length <= offset) {
        return;
      }
      byte[] bytes = new byte[(int) (length - offset)];
      file.seek(offset);
      file.readFully(bytes);
      offset = length;
      // Build logs are UTF-8 whole lines; a line cut mid-write waits for its end.
      partial.append(new String(bytes, StandardCharsets.UTF_8));
      int newline;
      while ((newline = partial.indexOf("\n")) >= 0) {
        lines.add(new Line(now, partial.substring(0, newline)));
        partial.delete(0, newline + 1);
      }
    } catch (IOException e) {
      // Read again at the next tick.
    }
  }

  synchronized String buildId() {
    return buildId;
  }

  synchronized Instant dirSeen() {
    return dirSeen;
  }

  synchronized Instant outSeen() {
    return outSeen;
  }

  /** The lines seen so far, after one last look. */
  synchronized List<Line> lines() {
    tick();
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
