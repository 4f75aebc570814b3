package org.perestroika.scheduler.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Golden files under src/test/resources/golden/: the exact text an output must be. */
final class Golden {
  private Golden() {}

  static String text(String name) {
    String resource = "/golden/" + name;
    try (InputStream in = Golden.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("no golden file " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void assertMatches(String name, String actual) {
    assertEquals(text(name), actual, "differs from golden/" + name);
  }
}
