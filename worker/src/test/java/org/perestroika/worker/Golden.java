package org.perestroika.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Golden files under src/test/resources/golden/: the exact text a generated artefact must be. */
public final class Golden {
  private Golden() {}

  /** The golden file's lines. */
  public static List<String> lines(String name) {
    String resource = "/golden/" + name;
    try (InputStream in = Golden.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("no golden file " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that {@code actual} is the golden file line for line. */
  public static void assertMatches(String name, List<String> actual) {
    assertEquals(lines(name), actual, "differs from golden/" + name);
  }
}
