package org.perestroika.core.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One invocation of an external tool: the exact argument vector, extra environment, working
 * directory and a time limit.
 */
public record Command(
    List<String> argv, Map<String, String> environment, Optional<Path> workDir, Duration timeout) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least a program name");
    }
    environment = Map.copyOf(environment);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), Map.of(), Optional.empty(), DEFAULT_TIMEOUT);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, Map.of(), Optional.empty(), DEFAULT_TIMEOUT);
  }

  public Command withEnvironment(Map<String, String> env) {
    return new Command(argv, env, workDir, timeout);
  }

  public Command inDirectory(Path dir) {
    return new Command(argv, environment, Optional.of(dir), timeout);
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, environment, workDir, limit);
  }

  /** Names the environment's variables but never their values, which may be secrets. */
  @Override
  public String toString() {
    return "Command[" + display() + ", environment " + environment.keySet() + "]";
  }

  /** The command line as a person would type it, for messages and logs. */
  public String display() {
    return String.join(" ", argv);
  }
}
