package org.perestroika.scheduler.dispatch.jenkins;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A build's console as it streams in: copied byte for byte to the log file, cut into lines for the
 * log consumer, its last lines kept for the failure excerpt.
 */
final class Console implements Closeable {
  static final int EXCERPT_LINES = 30;

  // sbuild's summary, which a Jenkins job running sbuild prints as the local builder's does.
  private static final Pattern PHASE_TIME = Pattern.compile("^(Install|Build)-Time: (\\d+)$");

  private final Path file;
  private final OutputStream out;
  private final Consumer<String> sink;
  // Jenkins hands the console out in byte ranges that may end inside a line, even inside a
  // UTF-8 sequence: bytes wait here until their line is complete, and only then are decoded.
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final Map<String, Duration> phases = new HashMap<>();

  Console(Path file, Consumer<String> sink) {
    this.file = file;
    this.sink = sink;
    try {
      this.out = Files.newOutputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the build log " + file, e);
    }
  }

  Path file() {
    return file;
  }

  /** A chunk of Jenkins' console, as the bytes came. */
  void append(byte[] bytes, int offset, int length) {
    write(bytes, offset, length);
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == '\n') {
        emitPartial();
      } else {
        partial.write(bytes[i]);
      }
    }
  }

  /** A line of the farm's own, between Jenkins' lines. */
  void note(String line) {
    finish();
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    write(bytes, 0, bytes.length);
    emit(line);
  }

  /** Ends a last line that came without its newline. */
  void finish() {
    if (partial.size() > 0) {
      write(new byte[] {'\n'}, 0, 1);
      emitPartial();
    }
  }

  /** The last {@value #EXCERPT_LINES} lines so far. */
  List<String> tail() {
    return List.copyOf(tail);
  }

  /** sbuild's Install-Time or Build-Time, when the console had its summary. */
  Optional<Duration> phase(String name) {
    return Optional.ofNullable(phases.get(name));
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the build log " + file, e);
    }
  }

  private void emitPartial() {
    String line = partial.toString(StandardCharsets.UTF_8);
    partial.reset();
    emit(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
  }

  private void emit(String line) {
    tail.addLast(line);
    if (tail.size() > EXCERPT_LINES) {
      tail.removeFirst();
    }
    Matcher phase = PHASE_TIME.matcher(line);
    if (phase.matches()) {
      phases.put(phase.group(1), Duration.ofSeconds(Long.parseLong(phase.group(2))));
    }
    sink.accept(line);
  }

  private void write(byte[] bytes, int offset, int length) {
    try {
      out.write(bytes, offset, length);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the build log " + file, e);
    }
  }
}
