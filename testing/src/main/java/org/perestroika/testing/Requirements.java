package org.perestroika.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What an integration test needs from the machine. Missing pieces skip the test on a developer's
 * machine, but fail it under CI=true, so that coverage cannot silently shrink there.
 */
public final class Requirements {
  /** The state directory that `perestroika setup` prepared (chroots, images' scratch space). */
  public static final Path STATE_DIR =
      Path.of(System.getProperty("perestroika.stateDir", "/var/lib/perestroika"));

  private Requirements() {}

  public static void require(boolean present, String what) {
    require(System.getenv(), present, what);
  }

  static void require(Map<String, String> environment, boolean present, String what) {
    if (present) {
      return;
    }
    String message = what + " is missing: run `bin/perestroika setup` first";
    if ("true".equalsIgnoreCase(environment.get("CI"))) {
      Assertions.fail(message + " (under CI every component must be present)");
    }
    Assumptions.abort(message);
  }

  /** The bookworm chroot that setup makes; its presence implies the engine and images too. */
  public static Path bookwormChroot() {
    Path current = STATE_DIR.resolve("chroots/bookworm/current");
    require(Files.isDirectory(current), "the bookworm chroot " + current);
    dockerEngine();
    return current;
  }

  /** The Docker engine's socket, which setup starts the engine on. */
  public static void dockerEngine() {
    require(Files.exists(Path.of("/var/run/docker.sock")), "the Docker engine socket");
  }

  /** Host programs such as reprepro or gpg. */
  public static void requirePrograms(String... programs) {
    requirePrograms(System.getenv(), programs);
  }

  static void requirePrograms(Map<String, String> environment, String... programs) {
    String path = environment.getOrDefault("PATH", "/usr/bin:/bin");
    for (String program : programs) {
      require(environment, onPath(path, program), "the program " + program);
    }
  }

  private static boolean onPath(String path, String program) {
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
