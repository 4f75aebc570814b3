package org.perestroika.cli;

import java.io.PrintStream;
import java.util.function.Supplier;

/** Prints each phase of a long command with what it did and how long it took. */
final class Phases {
  private final PrintStream out;
  private final String command;

  Phases(PrintStream out, String command) {
    this.out = out;
    this.command = command;
  }

  /** Runs a phase; its supplier returns a short account of what it did ("already present"). */
  String run(String phase, Supplier<String> work) {
    long start = System.nanoTime();
    out.printf("[%s] %s ...%n", command, phase);
    String outcome = work.get();
    out.printf(
        "[%s] %s: %s (%.1f s)%n", command, phase, outcome, (System.nanoTime() - start) / 1e9);
    return outcome;
  }

  void say(String line) {
    out.printf("[%s]   %s%n", command, line);
  }
}
