package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuildLimitsTest {
  private static final long MIB = BuildLimits.MIB;

  @Test
  void theDefaultsAreTwoHoursEightGibibytesAndFourThousandProcesses() {
    assertEquals(
        new BuildLimits(Duration.ofHours(2), 8L << 30, 4096, 8L << 30), BuildLimits.DEFAULTS);
    assertEquals(1L << 20, BuildLimits.MIB);
    assertEquals(1L << 30, BuildLimits.GIB);
  }

  @Test
  void theSmallestLimitsAreAccepted() {
    BuildLimits limits = new BuildLimits(Duration.ofSeconds(1), 64 * MIB, 64, 16 * MIB);

    assertEquals(64 * MIB, limits.memoryBytes());
    assertEquals(16 * MIB, limits.tmpfsBytes());
  }

  @Test
  void theTimeoutMustBePositive() {
    for (Duration timeout : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1)}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new BuildLimits(timeout, 64 * MIB, 64, 16 * MIB));
      assertEquals("build timeout must be positive, got " + timeout, e.getMessage());
    }
  }

  @Test
  void memoryPidsAndTmpfsHaveFloors() {
    assertEquals(
        "build memory must be at least 64 MiB",
        assertThrows(
                IllegalArgumentException.class,
                () -> new BuildLimits(Duration.ofHours(1), 64 * MIB - 1, 64, 16 * MIB))
            .getMessage());
    assertEquals(
        "build pids limit must be at least 64",
        assertThrows(
                IllegalArgumentException.class,
                () -> new BuildLimits(Duration.ofHours(1), 64 * MIB, 63, 16 * MIB))
            .getMessage());
    assertEquals(
        "build tmpfs must be at least 16 MiB",
        assertThrows(
                IllegalArgumentException.class,
                () -> new BuildLimits(Duration.ofHours(1), 64 * MIB, 64, 16 * MIB - 1))
            .getMessage());
  }

  @Test
  void withersChangeOneLimitAndValidateIt() {
    BuildLimits limits = BuildLimits.DEFAULTS.withTimeout(Duration.ofMinutes(10));

    assertEquals(new BuildLimits(Duration.ofMinutes(10), 8L << 30, 4096, 8L << 30), limits);
    assertEquals(
        new BuildLimits(Duration.ofHours(2), 8L << 30, 4096, 512 * MIB),
        BuildLimits.DEFAULTS.withTmpfsBytes(512 * MIB));
    assertThrows(IllegalArgumentException.class, () -> BuildLimits.DEFAULTS.withTmpfsBytes(MIB));
    assertThrows(
        IllegalArgumentException.class, () -> BuildLimits.DEFAULTS.withTimeout(Duration.ZERO));
  }
}
