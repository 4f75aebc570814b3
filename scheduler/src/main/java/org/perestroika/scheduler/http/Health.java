package org.perestroika.scheduler.http;

import java.util.Objects;

/** Whether one part the scheduler depends on works, and a word on its state. */
public record Health(boolean up, String detail) {
  public Health {
    Objects.requireNonNull(detail, "detail");
  }

  public static Health up(String detail) {
    return new Health(true, detail);
  }

  public static Health down(String detail) {
    return new Health(false, detail);
  }
}
