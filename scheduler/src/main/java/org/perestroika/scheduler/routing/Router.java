package org.perestroika.scheduler.routing;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;

/**
 * Maps a Gerrit project and branch to a {@link Route} by the spec's naming: code projects {@code
 * <customer>/openstack/<pkg>}, spec projects {@code <customer>/openstack-build/<pkg>}, code+spec
 * projects {@code <customer>/packages/fuel/<distro>/<pkg>}, on a branch a release lists. Anything
 * else is not ours: no route.
 */
public final class Router {
  private static final Pattern PROJECT =
      Pattern.compile(
          "(?<customer>[^/]+)/(?:(?<kind>openstack|openstack-build)/(?<pkg>[^/]+)"
              + "|packages/fuel/(?<distro>[^/]+)/(?<fuelpkg>[^/]+))");

  private final SchedulerConfig config;

  public Router(SchedulerConfig config) {
    this.config = config;
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
      return Optional.of(
          new Route(
              gerritServer,
              name,
              merge,
              r.dist(),
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
            r.dist(),
            pkg,
            role,
            name + "/openstack/" + pkg,
            Optional.of(name + "/openstack-build/" + pkg),
            branch));
  }
}
