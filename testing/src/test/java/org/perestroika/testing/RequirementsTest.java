package org.perestroika.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequirementsTest {
  private static final String MISSING = "perestroika-no-such-tool";

  @Test
  void aMissingToolFailsOnCi() {
    assertThrows(
        AssertionFailedError.class,
        () -> Requirements.requirePrograms(Map.of("CI", "true", "PATH", "/usr/bin"), MISSING));
  }

  @Test
  void aMissingToolSkipsElsewhere() {
    assertThrows(
        TestAbortedException.class,
        () -> Requirements.requirePrograms(Map.of("PATH", "/usr/bin"), MISSING));
  }

  @Test
  void aPresentToolPasses() {
    Requirements.requirePrograms(Map.of("CI", "true", "PATH", "/usr/bin:/bin"), "sh");
  }
}
