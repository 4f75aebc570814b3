package org.perestroika.worker;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

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
