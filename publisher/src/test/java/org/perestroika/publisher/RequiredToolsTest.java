package org.perestroika.publisher;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequiredToolsTest {
  private static final String MISSING = "perestroika-no-such-tool";

  @Test
  void aMissingToolFailsOnCi() {
    assertThrows(
        AssertionFailedError.class,
        () -> RequiredTools.require(Map.of("CI", "true", "PATH", "/usr/bin"), MISSING));
  }

  @Test
  void aMissingToolSkipsElsewhere() {
    assertThrows(
        TestAbortedException.class,
        () -> RequiredTools.require(Map.of("PATH", "/usr/bin"), MISSING));
  }

  @Test
  void aPresentToolPasses() {
    RequiredTools.require(Map.of("CI", "true", "PATH", "/usr/bin:/bin"), "sh");
  }
}
