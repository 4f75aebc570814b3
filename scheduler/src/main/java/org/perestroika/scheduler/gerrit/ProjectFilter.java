package org.perestroika.scheduler.gerrit;

import java.util.Objects;
import java.util.Set;

/** Which projects a catch-up query covers: a list of names, or every project under a prefix. */
public sealed interface ProjectFilter {

  /** Exactly these projects. */
  static ProjectFilter named(Set<String> projects) {
    return new Named(projects);
  }

  /** Every project whose name starts with {@code prefix}, such as {@code packages/}. */
  static ProjectFilter prefix(String prefix) {
    return new Prefix(prefix);
  }

  /** Exactly these projects. */
  record Named(Set<String> projects) implements ProjectFilter {
    public Named {
      Objects.requireNonNull(projects, "projects");
      if (projects.isEmpty()) {
        throw new IllegalArgumentException("project list is empty");
      }
      if (projects.stream().anyMatch(p -> p == null || p.isBlank())) {
        throw new IllegalArgumentException("project list has a blank name: " + projects);
      }
      projects = Set.copyOf(projects);
    }
  }

  /** Every project whose name starts with the prefix. */
  record Prefix(String prefix) implements ProjectFilter {
    public Prefix {
      if (prefix == null || prefix.isBlank()) {
        throw new IllegalArgumentException("project prefix is blank");
      }
    }
  }
}
