package org.perestroika.core.model;

import java.time.Duration;

/** What one build may use: wall-clock time, memory, processes and tmpfs for its overlay. */
public record BuildLimits(Duration timeout, long memoryBytes, long pids, long tmpfsBytes) {
  public static final long MIB = 1024L * 1024L;
  public static final long GIB = 1024L * MIB;

  public static final BuildLimits DEFAULTS =
      new BuildLimits(Duration.ofHours(2), 8 * GIB, 4096, 8 * GIB);

  public BuildLimits {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("build timeout must be positive, got " + timeout);
    }
    if (memoryBytes < 64 * MIB) {
      throw new IllegalArgumentException("build memory must be at least 64 MiB");
    }
    if (pids < 64) {
      throw new IllegalArgumentException("build pids limit must be at least 64");
    }
    if (tmpfsBytes < 16 * MIB) {
      throw new IllegalArgumentException("build tmpfs must be at least 16 MiB");
    }
  }

  public BuildLimits withTimeout(Duration limit) {
    return new BuildLimits(limit, memoryBytes, pids, tmpfsBytes);
  }

  public BuildLimits withTmpfsBytes(long bytes) {
    return new BuildLimits(timeout, memoryBytes, pids, bytes);
  }
}
