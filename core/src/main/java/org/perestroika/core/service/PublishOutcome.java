package org.perestroika.core.service;

import java.util.List;
import java.util.Objects;

/**
 * What a publish did: published (with the sources.list line a client uses), or refused with the
 * reasons a person can act on.
 */
public record PublishOutcome(boolean published, List<String> problems, String sourcesListLine) {
  public PublishOutcome {
    problems = List.copyOf(problems);
    Objects.requireNonNull(sourcesListLine, "sourcesListLine");
    if (published != problems.isEmpty()) {
      throw new IllegalArgumentException("a refusal needs reasons, and only a refusal has them");
    }
  }
}
