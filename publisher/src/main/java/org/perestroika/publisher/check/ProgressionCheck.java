package org.perestroika.publisher.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;
import org.perestroika.core.version.DebianVersion;

/**
 * The spec's release progression: a package's versions in the base, updates and security suites of
 * every earlier release are at most its versions in each suite of the checked release, and within
 * the release the base suite's versions are at most those of its updates and security suites (a
 * lower one there would be a downgrade for clients that enable them).
 */
final class ProgressionCheck {
  static final String NAME = "progression";

  private ProgressionCheck() {}

  /**
   * @param release the release checked
   * @param suites the codenames of the release's suites, the base among them
   * @param earlierSuites the base, updates and security codenames of the earlier releases
   * @param versions each codename's source packages and their versions, for all those suites
   */
  static CheckResult check(
      Release release,
      List<String> suites,
      List<String> earlierSuites,
      Map<String, Map<String, Set<String>>> versions) {
    List<String> problems = new ArrayList<>();
    Set<String> sources = new TreeSet<>();
    suites.forEach(codename -> sources.addAll(versions.getOrDefault(codename, Map.of()).keySet()));
    String base = Suite.BASE.codename(release);
    List<String> aboveBase =
        List.of(Suite.UPDATES.codename(release), Suite.SECURITY.codename(release));
    for (String source : sources) {
      Optional<Held> earliest = highest(source, earlierSuites, versions, problems);
      Optional<Held> inBase = highest(source, List.of(base), versions, problems);
      for (String codename : suites) {
        for (Held held : parsed(source, codename, versions, problems)) {
          earliest
              .filter(before -> before.version().compareTo(held.version()) > 0)
              .ifPresent(
                  before ->
                      problems.add(
                          describe(source, held, before)
                              + ": clients upgrading from "
                              + before.codename()
                              + " would be downgraded"));
          if (aboveBase.contains(codename)) {
            inBase
                .filter(before -> before.version().compareTo(held.version()) > 0)
                .ifPresent(
                    before ->
                        problems.add(
                            describe(source, held, before)
                                + ", the release's base suite: the update is a downgrade"));
          }
        }
      }
    }
    String summary =
        CheckResult.count(sources.size(), "source package")
            + " in "
            + CheckResult.count(suites.size(), "suite")
            + ", against "
            + (earlierSuites.isEmpty()
                ? "no earlier release"
                : CheckResult.count(earlierSuites.size(), "suite") + " of earlier releases")
            + " and the base suite";
    return new CheckResult(NAME, summary, problems);
  }

  private static String describe(String source, Held lower, Held higher) {
    return source
        + " "
        + lower.text()
        + " in "
        + lower.codename()
        + " is lower than "
        + higher.text()
        + " in "
        + higher.codename();
  }

  private static Optional<Held> highest(
      String source,
      List<String> codenames,
      Map<String, Map<String, Set<String>>> versions,
      List<String> problems) {
    Held highest = null;
    for (String codename : codenames) {
      for (Held held : parsed(source, codename, versions, problems)) {
        if (highest == null || held.version().compareTo(highest.version()) > 0) {
          highest = held;
        }
      }
    }
    return Optional.ofNullable(highest);
  }

  private static List<Held> parsed(
      String source,
      String codename,
      Map<String, Map<String, Set<String>>> versions,
      List<String> problems) {
    List<Held> held = new ArrayList<>();
    for (String text : versions.getOrDefault(codename, Map.of()).getOrDefault(source, Set.of())) {
      try {
        held.add(new Held(codename, text, DebianVersion.parse(text)));
      } catch (IllegalArgumentException e) {
        String problem = source + " in " + codename + ": " + e.getMessage();
        if (!problems.contains(problem)) {
          problems.add(problem);
        }
      }
    }
    return held;
  }

  private record Held(String codename, String text, DebianVersion version) {}
}
