package org.perestroika.scheduler.routing;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;

/**
 * Maps a Gerrit project and branch to a {@link Route} by the spec's naming: code projects {@code
 * <customer>/openstack/<pkg>}, spec projects {@code <customer>/openstack-build/<pkg>}, code+spec
 * projects {@code <customer>/packages/fuel/<distro>/<pkg>}, on a branch a release lists. Split
 * packages build for every dist of the release; a code+spec project for the release's dists its
 * {@code <distro>} names. Anything else is not ours: no route.
 */
public final class Router {
  private static final Pattern PROJECT =
      Pattern.compile(
          "(?<customer>[^/]+)/(?:(?<kind>openstack|openstack-build)/(?<pkg>[^/]+)"
              + "|packages/fuel/(?<distro>[^/]+)/(?<fuelpkg>[^/]+))");

  private final SchedulerConfig config;
  private final Map<String, Dist> dists;

  /**
   * @param dists every configured dist by name, for what a project's {@code <distro>} names
   */
  public Router(SchedulerConfig config, Map<String, Dist> dists) {
    this.config = config;
    this.dists = Map.copyOf(dists);
  }

  /** The customers whose projects live on that Gerrit server. */
  public List<String> customersOn(String gerritServer) {
    return config.customers().values().stream()
        .filter(c -> c.gerrit().equals(gerritServer))
        .map(SchedulerConfig.Customer::name)
        .sorted()
        .toList();
  }

  public Optional<Route> route(String gerritServer, String project, String branch) {
    Matcher m = PROJECT.matcher(project);
    if (!m.matches()) {
      return Optional.empty();
    }
    SchedulerConfig.Customer customer = config.customers().get(m.group("customer"));
    if (customer == null || !customer.gerrit().equals(gerritServer)) {
      return Optional.empty();
    }
    Optional<SchedulerConfig.ReleaseRoute> release =
        customer.releases().values().stream()
            .filter(r -> r.branches().contains(branch))
            .findFirst();
    if (release.isEmpty()) {
      return Optional.empty();
    }
    SchedulerConfig.ReleaseRoute r = release.get();
    PublishTarget merge = new PublishTarget(new Release(r.release()), Suite.parse(r.mergeSuite()));
    String name = customer.name();
    if (m.group("fuelpkg") != null) {
      String distro = m.group("distro");
      List<String> named = r.dists().stream().filter(d -> names(dists.get(d), distro)).toList();
      if (named.isEmpty()) {
        return Optional.empty(); // A distro this release does not build for.
      }
      return Optional.of(
          new Route(
              gerritServer,
              name,
              merge,
              named,
              m.group("fuelpkg"),
              Route.Role.COMBINED,
              project,
              Optional.empty(),
              branch));
    }
    String pkg = m.group("pkg");
    Route.Role role = m.group("kind").equals("openstack") ? Route.Role.CODE : Route.Role.SPEC;
    return Optional.of(
        new Route(
            gerritServer,
            name,
            merge,
            r.dists(),
            pkg,
            role,
            name + "/openstack/" + pkg,
            Optional.of(name + "/openstack-build/" + pkg),
            branch));
  }

  /**
   * Whether a project's {@code <distro>} names a dist: its name ({@code bookworm}, {@code centos7})
   * or its OS family, with or without the dash ({@code debian}, {@code centos-7}, {@code centos7}).
   */
  private static boolean names(Dist dist, String distro) {
    return dist != null
        && (distro.equals(dist.name())
            || distro.equals(dist.family())
            || distro.equals(dist.family().replace("-", "")));
  }
}
