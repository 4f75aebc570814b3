package org.perestroika.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What an integration test needs from the machine. Missing pieces skip the test on a developer's
 * machine, but fail it under CI=true, where everything must be present.
 */
public final class Requirements {
  /** The state directory that `perestroika setup` prepared (chroots, images' scratch space). */
  public static final Path STATE_DIR =
      Path.of(System.getProperty("perestroika.stateDir", "/var/lib/perestroika"));

  private Requirements() {}

  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    String message = what + " is missing: run `bin/perestroika setup` first";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message + " (under CI every component must be present)");
    }
    Assumptions.assumeTrue(false, message);
  }

  /** The bookworm chroot that setup makes; its presence implies the engine and images too. */
  public static Path bookwormChroot() {
    Path current = STATE_DIR.resolve("chroots/bookworm/current");
    require(Files.isDirectory(current), "the bookworm chroot " + current);
    require(Files.exists(Path.of("/var/run/docker.sock")), "the Docker engine socket");
    return current;
  }

  /** A host program such as reprepro or gpg. */
  public static void requireProgram(String name) {
    boolean found =
        System.getenv("PATH") != null
            && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
    require(found, "the program " + name);
  }
}
