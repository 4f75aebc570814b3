package org.perestroika.publisher.check;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.perestroika.core.model.Release;

/**
 * What certifying a release found, check by check.
 *
 * @param release the release checked
 * @param tree the published tree it was read from (the snapshot current when the check started)
 * @param suites the release's suites found in the tree
 * @param earlier the earlier releases of the progression found in the tree
 * @param basePackages the base distribution's Packages files
 * @param checks each check's result, in the order run
 */
public record CertificationReport(
    Release release,
    Path tree,
    List<String> suites,
    List<Release> earlier,
    List<Path> basePackages,
    List<CheckResult> checks) {

  public CertificationReport {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(tree, "tree");
    suites = List.copyOf(suites);
    earlier = List.copyOf(earlier);
    basePackages = List.copyOf(basePackages);
    checks = List.copyOf(checks);
  }

  public boolean passed() {
    return checks.stream().allMatch(CheckResult::passed);
  }

  /** The report as a person reads it: a header, then each check's OK line or its problems. */
  public String render() {
    StringBuilder text = new StringBuilder();
    text.append("Certifying ").append(release).append(" in ").append(tree).append('\n');
    text.append("  suites: ").append(String.join(", ", suites)).append('\n');
    text.append("  earlier releases: ")
        .append(earlier.isEmpty() ? "none in this tree" : join(earlier))
        .append('\n');
    text.append("  base distribution: ");
    text.append(basePackages.size())
        .append(basePackages.size() == 1 ? " Packages file" : " Packages files");
    for (Path file : basePackages) {
      text.append("\n    ").append(file);
    }
    text.append("\n\n");
    for (CheckResult check : checks) {
      text.append('[').append(check.name()).append("] ");
      if (check.passed()) {
        text.append("OK, checked ").append(check.summary()).append('\n');
        continue;
      }
      text.append("FAILED: ")
          .append(check.problems().size())
          .append(check.problems().size() == 1 ? " problem" : " problems")
          .append(", checked ")
          .append(check.summary())
          .append('\n');
      check.problems().forEach(problem -> text.append("  - ").append(problem).append('\n'));
    }
    text.append('\n');
    if (passed()) {
      text.append(release).append(" passes certification\n");
    } else {
      List<String> failed =
          checks.stream().filter(check -> !check.passed()).map(CheckResult::name).toList();
      text.append(release)
          .append(" FAILS certification: ")
          .append(String.join(", ", failed))
          .append('\n');
    }
    return text.toString();
  }

  private static String join(List<Release> releases) {
    return String.join(", ", releases.stream().map(Release::name).toList());
  }
}
