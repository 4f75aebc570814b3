package org.perestroika.publisher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose external tools are missing, except on CI (environment CI=true), where a
 * missing tool fails the test so that coverage cannot silently shrink.
 */
public final class RequiredTools {

  private RequiredTools() {}

  public static void require(String... programs) {
    require(System.getenv(), programs);
  }

  static void require(Map<String, String> environment, String... programs) {
    for (String program : programs) {
      if (!onPath(environment.getOrDefault("PATH", "/usr/bin:/bin"), program)) {
        if ("true".equalsIgnoreCase(environment.get("CI"))) {
          Assertions.fail(program + " is required on CI but is not installed");
        }
        Assumptions.abort(program + " is not installed");
      }
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
