package org.perestroika.scheduler.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.PublishTarget;

class RouterTest {
  static final String BRANCH = "openstack-ci/fuel-10.0/2024.1";
  static final SchedulerConfig CONFIG =
      new SchedulerConfig(
          "127.0.0.1:8080",
          Optional.empty(),
          "local",
          2,
          Optional.empty(),
          Optional.empty(),
          Map.of(
              "review",
              new SchedulerConfig.Gerrit(
                  "review",
                  "ci",
                  "gerrit.example",
                  29418,
                  Path.of("/k"),
                  URI.create("http://gerrit.example"),
                  "ci",
                  Optional.empty())),
          Map.of(
              "acme",
              new SchedulerConfig.Customer(
                  "acme",
                  "review",
                  Map.of(
                      "mos10.0",
                      new SchedulerConfig.ReleaseRoute(
                          "mos10.0",
                          List.of(BRANCH, "10.0"),
                          List.of("bookworm", "centos7"),
                          "proposed")))),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  static final Map<String, Dist> DISTS =
      Map.of(
          "bookworm",
          new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.example")),
          "centos7",
          new Dist("centos7", "centos-7", PackageFormat.RPM, URI.create("http://centos.example")),
          "jammy",
          new Dist("jammy", "ubuntu", PackageFormat.DEB, URI.create("http://ubuntu.example")));

  final Router router = new Router(CONFIG, DISTS);

  @Test
  void aCodeProjectPairsWithItsSpecProject() {
    Route route = router.route("review", "acme/openstack/nova", BRANCH).orElseThrow();
    assertEquals(Route.Role.CODE, route.role());
    assertEquals("nova", route.packageName());
    assertEquals("acme/openstack/nova", route.codeProject());
    assertEquals(Optional.of("acme/openstack-build/nova"), route.specProject());
    assertEquals(PublishTarget.parse("mos10.0-proposed"), route.mergeTarget());
    assertEquals(List.of("bookworm", "centos7"), route.dists(), "every dist of the release");
    assertEquals("acme", route.customer());
  }

  @Test
  void aSpecProjectPairsWithItsCodeProject() {
    Route route = router.route("review", "acme/openstack-build/nova", BRANCH).orElseThrow();
    assertEquals(Route.Role.SPEC, route.role());
    assertEquals("acme/openstack/nova", route.codeProject());
    assertEquals(Optional.of("acme/openstack-build/nova"), route.specProject());
  }

  @Test
  void aFuelPackagesProjectHoldsCodeAndSpec() {
    Route route = router.route("review", "acme/packages/fuel/debian/nginx", "10.0").orElseThrow();
    assertEquals(Route.Role.COMBINED, route.role());
    assertEquals("nginx", route.packageName());
    assertEquals(Optional.empty(), route.specProject());
    assertEquals(List.of("bookworm"), route.dists());
  }

  @Test
  void aFuelPackagesProjectsDistroPicksTheReleasesDistsByNameOrFamily() {
    for (String distro : List.of("centos7", "centos-7")) {
      Route route =
          router.route("review", "acme/packages/fuel/" + distro + "/nginx", "10.0").orElseThrow();
      assertEquals(List.of("centos7"), route.dists(), distro);
    }
    assertEquals(
        List.of("bookworm"),
        router.route("review", "acme/packages/fuel/bookworm/nginx", "10.0").orElseThrow().dists());
    // jammy is a configured dist, but not one this release builds for.
    assertTrue(router.route("review", "acme/packages/fuel/ubuntu/nginx", "10.0").isEmpty());
    assertTrue(router.route("review", "acme/packages/fuel/sid/nginx", "10.0").isEmpty());
  }

  @Test
  void unknownProjectsBranchesCustomersAndServersAreNotOurs() {
    assertTrue(router.route("review", "acme/infra/puppet", BRANCH).isEmpty());
    assertTrue(router.route("review", "acme/openstack/nova", "master").isEmpty());
    assertTrue(router.route("review", "globex/openstack/nova", BRANCH).isEmpty());
    assertTrue(router.route("other", "acme/openstack/nova", BRANCH).isEmpty());
    assertTrue(router.route("review", "acme/openstack/nova/extra", BRANCH).isEmpty());
  }
}
