package org.perestroika.publisher.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;

/**
 * What a client of one release on one base distribution is configured with: the base distribution,
 * the MOS suites it enables, and custom repositories.
 *
 * @param release such as mos10.0
 * @param dist the base distribution: its name is the apt codename, its family picks the layout, its
 *     format apt or yum, its mirror the base distribution's URL
 * @param mirror the MOS repository of the dist's family (holding {@code dists/} for apt, the
 *     release directories for yum), such as {@code http://mirror/mos/ubuntu}
 * @param origin the Origin our publisher writes to Release files, which apt pins by
 * @param suites the MOS suites enabled: all but proposed always, proposed when asked
 * @param custom custom repositories, in the order given
 */
public record ClientRepositories(
    Release release,
    Dist dist,
    ClientUrl mirror,
    String origin,
    Set<Suite> suites,
    List<CustomRepository> custom) {

  /** Every suite but proposed, which holds packages still under test. */
  public static final Set<Suite> ALWAYS =
      Set.copyOf(EnumSet.of(Suite.BASE, Suite.UPDATES, Suite.SECURITY, Suite.HOLDBACK));

  // An apt pin names the origin after "o=" and ends it at a comma.
  private static final Pattern ORIGIN =
      Pattern.compile("[\\x21-\\x7e&&[^,]]([\\x20-\\x7e&&[^,]]*[\\x21-\\x7e&&[^,]])?");

  public ClientRepositories {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(mirror, "mirror");
    if (origin == null || !ORIGIN.matcher(origin).matches()) {
      throw new IllegalArgumentException(
          "origin '" + origin + "' must be printable ASCII without commas (apt pins by it)");
    }
    suites = Set.copyOf(suites);
    if (!suites.containsAll(ALWAYS)) {
      throw new IllegalArgumentException(
          "the suites " + ALWAYS + " are always enabled; got only " + suites);
    }
    custom = List.copyOf(custom);
    checkCustom(release, dist, suites, custom);
  }

  /** The always enabled suites plus {@code with}. */
  public static Set<Suite> suitesWith(Collection<Suite> with) {
    Set<Suite> suites = EnumSet.noneOf(Suite.class);
    suites.addAll(ALWAYS);
    suites.addAll(with);
    return suites;
  }

  public boolean enabled(Suite suite) {
    return suites.contains(suite);
  }

  /** The apt suite a custom repository is pinned by. */
  public String aptSuite(CustomRepository repository) {
    return aptSuite(release, repository);
  }

  private static String aptSuite(Release release, CustomRepository repository) {
    return repository.suite().orElseGet(() -> Suite.PROPOSED.codename(release));
  }

  /** The yum section of a MOS suite, named after its directory in the spec's layout. */
  public static String yumSection(Suite suite) {
    return "mos-" + yumDirectory(suite);
  }

  /** {@code os} for the release's base repository, the suite's word for the others. */
  public static String yumDirectory(Suite suite) {
    return suite == Suite.BASE ? "os" : suite.word();
  }

  private static void checkCustom(
      Release release, Dist dist, Set<Suite> suites, List<CustomRepository> custom) {
    Set<String> names = new HashSet<>();
    Set<String> sections = new HashSet<>();
    for (Suite suite : Suite.values()) {
      sections.add(yumSection(suite));
    }
    // apt pins custom repositories by suite alone, so no other entry may carry the same one.
    List<String> baseSuites =
        dist.format() == PackageFormat.DEB ? BaseDistribution.of(dist).suites() : List.of();
    List<String> mosSuites = new ArrayList<>();
    for (Suite suite : Suite.values()) {
      if (suites.contains(suite)) {
        mosSuites.add(suite.codename(release));
      }
    }
    for (CustomRepository repository : custom) {
      String name = repository.name();
      if (!names.add(name)) {
        throw new IllegalArgumentException(
            "custom repository name '" + name + "' is given twice: give each its own name");
      }
      if (sections.contains(name)) {
        throw new IllegalArgumentException(
            "custom repository name '"
                + name
                + "' is the name of a MOS repository: choose another");
      }
      if (dist.format() == PackageFormat.RPM) {
        repository
            .suite()
            .ifPresent(
                suite -> {
                  throw new IllegalArgumentException(
                      "custom repository "
                          + name
                          + ": yum repositories have no suites ('"
                          + suite
                          + "'): give the URL of the directory holding repodata/");
                });
        continue;
      }
      String suite = aptSuite(release, repository);
      if (baseSuites.contains(suite) || mosSuites.contains(suite)) {
        throw new IllegalArgumentException(
            "custom repository "
                + name
                + " uses suite "
                + suite
                + (repository.suite().isEmpty() ? " (the default)" : "")
                + ", which "
                + (mosSuites.contains(suite) ? "the MOS mirror" : "the base distribution")
                + " also serves here: apt pins by suite and could not rank them apart; publish"
                + " the custom packages under a suite of their own and give it as NAME=URL,SUITE");
      }
    }
  }
}
