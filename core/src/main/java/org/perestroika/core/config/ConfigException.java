package org.perestroika.core.config;

import java.util.List;

/** A configuration file that cannot be used, with every problem found listed at once. */
public final class ConfigException extends RuntimeException {
  private final transient List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(
        source
            + " has "
            + problems.size()
            + " problem(s):\n  - "
            + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
