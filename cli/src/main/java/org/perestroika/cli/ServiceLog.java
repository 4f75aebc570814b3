package org.perestroika.cli;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a command that runs as a service logs: stdout, one line per entry, log records and status
 * lines alike. When stdout is the journal (systemd sets {@code JOURNAL_STREAM}), every line starts
 * with its syslog priority, from {@code <3>} for an error to {@code <7>} for debug, which journald
 * strips and keeps as the entry's priority (sd-daemon(3)), so {@code journalctl -p warning} finds
 * the warnings. On a terminal the lines read as every other command's do.
 */
final class ServiceLog {
  static final int ERROR = 3;
  static final int WARNING = 4;
  static final int INFO = 6;
  static final int DEBUG = 7;

  private ServiceLog() {}

  /**
   * Sends {@code System.err}, where the log records go, to stdout as well.
   *
   * @param environment this process's environment
   */
  static void install(Map<String, String> environment) {
    if (!environment.containsKey("JOURNAL_STREAM")) {
      System.setErr(System.out);
      return;
    }
    OutputStream stdout = new FileOutputStream(FileDescriptor.out);
    System.setOut(printing(new PriorityLines(stdout, INFO, false)));
    System.setErr(printing(new PriorityLines(stdout, ERROR, true)));
  }

  private static PrintStream printing(OutputStream lines) {
    return new PrintStream(lines, true, StandardCharsets.UTF_8);
  }

  /**
   * Writes each line it is given with a priority prefix. A line that starts with a log record's
   * level ({@code [WARN] }) gets that level's priority, without the level; the lines after it (a
   * stack trace) get the same; any other line gets the stream's own.
   */
  static final class PriorityLines extends OutputStream {
    private static final Pattern LEVEL = Pattern.compile("\\[(ERROR|WARN|INFO|DEBUG|TRACE)\\] ");
    private static final Map<String, Integer> PRIORITIES =
        Map.of("ERROR", ERROR, "WARN", WARNING, "INFO", INFO, "DEBUG", DEBUG, "TRACE", DEBUG);

    private final OutputStream out;
    private final boolean readsLevels;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int priority;

    /**
     * @param out where the lines go; shared by several instances, which write whole lines only
     * @param priority the priority of lines that name no level
     * @param readsLevels whether lines may start with a log record's level
     */
    PriorityLines(OutputStream out, int priority, boolean readsLevels) {
      this.out = out;
      this.priority = priority;
      this.readsLevels = readsLevels;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      if (b == '\n') {
        writeLine();
      } else {
        line.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
      for (int i = offset; i < offset + length; i++) {
        write(bytes[i]);
      }
    }

    /** Flushes whole lines only: a line written in pieces stays one entry. */
    @Override
    public synchronized void flush() throws IOException {
      out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
      if (line.size() > 0) {
        writeLine();
      }
      out.flush();
    }

    private void writeLine() throws IOException {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (readsLevels) {
        Matcher level = LEVEL.matcher(text);
        if (level.lookingAt()) {
          priority = PRIORITIES.get(level.group(1));
          text = text.substring(level.end());
        }
      }
      byte[] entry = ("<" + priority + ">" + text + "\n").getBytes(StandardCharsets.UTF_8);
      synchronized (out) {
        out.write(entry);
        out.flush();
      }
    }
  }
}
