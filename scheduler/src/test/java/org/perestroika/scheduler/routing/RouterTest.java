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
                          "mos10.0", List.of(BRANCH, "10.0"), "bookworm", "proposed")))),
          Optional.empty());

  final Router router = new Router(CONFIG);

  @Test
  void aCodeProjectPairsWithItsSpecProject() {
    Route route = router.route("review", "acme/openstack/nova", BRANCH).orElseThrow();
    assertEquals(Route.Role.CODE, route.role());
    assertEquals("nova", route.packageName());
    assertEquals("acme/openstack/nova", route.codeProject());
    assertEquals(Optional.of("acme/openstack-build/nova"), route.specProject());
    assertEquals(PublishTarget.parse("mos10.0-proposed"), route.mergeTarget());
    assertEquals("bookworm", route.dist());
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
