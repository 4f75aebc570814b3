package org.perestroika.worker;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;

/** What every builder does with a build's output directory and its log, the same way. */
public final class BuildOutput {
  private BuildOutput() {}

  /**
   * Creates {@code out}, or takes it when empty: a build never mixes its files with another's.
   *
   * @throws IllegalArgumentException when {@code out} holds anything
   */
  public static Path prepare(Path out) {
    try {
      Files.createDirectories(out);
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "output directory " + out + " is not empty: give a new or empty --out directory");
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + out, e);
    }
  }

  /**
   * The lines that close every build's log: how it ended, why when it failed ({@code failure}, such
   * as the tool's exit code), its times (install and build when the tool reported them, the whole
   * build, and the build container's, from the request to create it until it was removed) and where
   * the log is.
   */
  public static List<String> summary(
      BuildRequest request,
      BuildStatus status,
      String failure,
      BuildResult.Timings timings,
      Duration container,
      Path log) {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("perestroika: build " + request.buildId() + " " + status.word());
    if (status == BuildStatus.TIMED_OUT) {
      lines.add("perestroika: stopped after the " + request.limits().timeout() + " time limit");
    } else if (status == BuildStatus.FAILED) {
      lines.add("perestroika: " + failure);
    }
    timings.install().ifPresent(time -> lines.add("perestroika: install time " + seconds(time)));
    timings.build().ifPresent(time -> lines.add("perestroika: build time " + seconds(time)));
    lines.add("perestroika: total time " + seconds(timings.total()));
    // To the millisecond, unlike the times above: the farm's own share of a build (from push to
    // vote) is what is left once this is taken away, and that share is held to under a second.
    lines.add(
        String.format(
            Locale.ROOT,
            "perestroika: container time %.3f s, created to removed",
            container.toNanos() / 1e9));
    lines.add("perestroika: log " + log);
    return lines;
  }

  private static String seconds(Duration duration) {
    return String.format("%.1f s", duration.toMillis() / 1000.0);
  }

  /** Appends a line to a build log and flushes it, so a reader following the file sees it. */
  public static void appendLine(BufferedWriter log, String line) {
    try {
      log.write(line);
      log.newLine();
      log.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
