package org.perestroika.scheduler.http;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A named probe of one part, such as a Gerrit connection. Probes are called on every health
 * request, so they report state already known rather than reach out.
 */
public record HealthCheck(String name, Supplier<Health> probe) {
  public HealthCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(probe, "probe");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a health check needs a name");
    }
  }
}
