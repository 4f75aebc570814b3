package org.perestroika.publisher.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.process.CommandRunner;

/**
 * Certifies a published release before it is announced: its signatures and checksums hold, no
 * version breaks the release progression, every binary package installs and every source package's
 * build dependencies can be met from the release plus the base distribution alone.
 */
public final class ReleaseCertifier {
  /** The architecture installability and build dependencies are checked for. */
  public static final String ARCHITECTURE = "amd64";

  private final CommandRunner runner;
  private final Dose dose;

  public ReleaseCertifier(CommandRunner runner) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.dose = new Dose(runner, ARCHITECTURE);
  }

  /**
   * Checks {@code release} in the published tree at {@code tree} (one OS family, such as {@code
   * <repo-root>/debian}).
   *
   * @param progression the order of releases, to find the earlier ones in the tree
   * @param basePackages the base distribution's Packages files (plain, .gz or .xz)
   * @return every check's result; a release that fails a check is a result, not an exception
   * @throws CheckException when the release cannot be checked at all: no tree, no suite of the
   *     release, a missing base Packages file, a tool that is not installed
   */
  public CertificationReport certify(
      Path tree, Release release, ReleaseProgression progression, List<Path> basePackages) {
    Objects.requireNonNull(release, "release");
    if (basePackages.isEmpty()) {
      throw new CheckException(
          "no Packages file of the base distribution was given: installability and build"
              + " dependencies need one");
    }
    for (Path file : basePackages) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new CheckException(
            "the base distribution's Packages file " + file + " cannot be read");
      }
    }
    ReleaseTree published = ReleaseTree.open(tree);
    List<String> codenames = published.codenamesOf(release);
    if (codenames.isEmpty()) {
      throw new CheckException(
          "the repository at "
              + tree
              + " has no suite of "
              + release
              + "; it has "
              + published.releases().stream()
                  .map(Release::name)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    List<Release> earlier;
    try {
      earlier = progression.earlier(release, published.releases());
    } catch (IllegalArgumentException e) {
      throw new CheckException(e.getMessage(), e);
    }
    List<String> earlierSuites =
        earlier.stream().flatMap(r -> published.clientSuitesOf(r).stream()).toList();

    List<PublishedSuite> suites =
        codenames.stream()
            .map(codename -> PublishedSuite.load(published, codename, runner))
            .toList();
    List<PublishedSuite> all = new ArrayList<>(suites);
    earlierSuites.forEach(codename -> all.add(PublishedSuite.load(published, codename, runner)));

    List<CheckResult> checks = new ArrayList<>();
    checks.add(new IntegrityCheck(runner).check(published, all));
    Map<String, Map<String, Set<String>>> versions = new LinkedHashMap<>();
    all.forEach(suite -> versions.put(suite.codename(), suite.sourceVersions()));
    checks.add(ProgressionCheck.check(release, codenames, earlierSuites, versions));
    List<Path> packages =
        suites.stream().flatMap(suite -> suite.packagesFiles(ARCHITECTURE).stream()).toList();
    checks.add(installability(suites, packages, basePackages));
    checks.add(buildDependencies(suites, packages, basePackages));
    return new CertificationReport(
        release, published.root(), codenames, earlier, basePackages, checks);
  }

  private CheckResult installability(
      List<PublishedSuite> suites, List<Path> packages, List<Path> basePackages) {
    String name = "installability";
    Set<String> distinct = new HashSet<>();
    for (PublishedSuite suite : suites) {
      suite.binaries().stream()
          .filter(binary -> PublishedSuite.isFor(binary.directory(), ARCHITECTURE))
          .forEach(b -> distinct.add(b.name() + " " + b.version() + " " + b.architecture()));
    }
    int count = distinct.size();
    String summary =
        CheckResult.count(count, "binary package")
            + " ("
            + ARCHITECTURE
            + ") against the release plus the base distribution";
    if (count == 0) {
      return new CheckResult(name, summary, List.of());
    }
    DoseReport report = dose.distcheck(packages, basePackages);
    return new CheckResult(name, summary, problems(report));
  }

  private CheckResult buildDependencies(
      List<PublishedSuite> suites, List<Path> packages, List<Path> basePackages) {
    String name = "build dependencies";
    Set<PublishedSuite.SourcePackage> distinct = new HashSet<>();
    suites.forEach(suite -> distinct.addAll(suite.sources()));
    int count = distinct.size();
    String summary =
        CheckResult.count(count, "source package")
            + " ("
            + ARCHITECTURE
            + ", as sbuild resolves) against the release plus the base distribution";
    if (count == 0) {
      return new CheckResult(name, summary, List.of());
    }
    // dose-builddebcheck takes one Sources file: the suites' are joined into one.
    Path scratch;
    try {
      scratch = Files.createTempDirectory("perestroika-check-");
    } catch (IOException e) {
      throw new CheckException("cannot make a scratch directory: " + e, e);
    }
    try {
      Path joined = scratch.resolve("Sources");
      StringBuilder text = new StringBuilder();
      suites.forEach(suite -> text.append(suite.sourcesText()));
      Files.writeString(joined, text, StandardCharsets.UTF_8);
      List<Path> binaries = new ArrayList<>(packages);
      binaries.addAll(basePackages);
      return new CheckResult(name, summary, problems(dose.builddebcheck(binaries, joined)));
    } catch (IOException e) {
      throw new CheckException("cannot write the joined Sources file: " + e, e);
    } finally {
      try {
        FileTrees.delete(scratch);
      } catch (UncheckedIOException e) {
        // A scratch file left in the temporary directory harms no result.
      }
    }
  }

  private static List<String> problems(DoseReport report) {
    return report.broken().stream().flatMap(broken -> broken.describe().stream()).toList();
  }
}
