package org.perestroika.publisher.check;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one check of a release.
 *
 * @param name what was checked, such as "installability"
 * @param summary what was covered, with counts, such as "12 binary packages (amd64)"
 * @param problems one sentence per problem found; empty when the check passed
 */
public record CheckResult(String name, String summary, List<String> problems) {
  public CheckResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(summary, "summary");
    problems = List.copyOf(problems);
  }

  public boolean passed() {
    return problems.isEmpty();
  }

  /** "1 suite", "2 suites": counts for summaries. */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
