package org.perestroika.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code perestroika} command as a person would, in a child process. */
final class PerestroikaProcess {
  static final Path JAR = Path.of("target", "perestroika.jar").toAbsolutePath();

  private PerestroikaProcess() {}

  /** What a finished run left: exit code and both output streams. */
  record Outcome(int exitCode, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  static Process start(Path logDir, String... args) {
    return start(logDir, Map.of(), args);
  }

  /** Starts it with {@code environment} added to this JVM's. */
  static Process start(Path logDir, Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    try {
      Files.createDirectories(logDir);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      return builder
          .redirectOutput(logDir.resolve("stdout").toFile())
          .redirectError(logDir.resolve("stderr").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Outcome run(Path logDir, String... args) throws InterruptedException {
    Process process = start(logDir, args);
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("perestroika " + String.join(" ", args) + " never finished");
    }
    return outcome(logDir, process.exitValue());
  }

  static Outcome outcome(Path logDir, int exitCode) {
    try {
      return new Outcome(
          exitCode,
          Files.readString(logDir.resolve("stdout"), StandardCharsets.UTF_8),
          Files.readString(logDir.resolve("stderr"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
