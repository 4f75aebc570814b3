package org.perestroika.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchedulerConfigLoaderTest {

  @Test
  void aSchedulerSectionMapsServersCustomersAndReleases() {
    SchedulerConfig config =
        ConfigLoader.parse(
                """
                scheduler:
                  listen: 127.0.0.1:8099
                  slots: 3
                  webhook-secret-file: /etc/perestroika/webhook.secret
                  builds-dir: /srv/builds
                  gerrit:
                    review:
                      ssh: ci@gerrit.example:29418
                      ssh-key: /etc/perestroika/gerrit_key
                      http: https://gerrit.example
                      http-password-file: /etc/perestroika/gerrit.password
                  customers:
                    acme:
                      releases:
                        mos10.0:
                          branches: [openstack-ci/fuel-10.0/2024.1, "10.0"]
                          dists: [bookworm]
                """,
                "test.yaml",
                Optional.empty())
            .scheduler()
            .orElseThrow();

    assertEquals("127.0.0.1:8099", config.listen());
    assertEquals(3, config.slots());
    assertEquals("local", config.dispatcher());
    assertEquals(
        Optional.of(Path.of("/etc/perestroika/webhook.secret")), config.webhookSecretFile());
    assertEquals(Optional.of(Path.of("/srv/builds")), config.buildsDir());
    assertEquals(
        new SchedulerConfig.Gerrit(
            "review",
            "ci",
            "gerrit.example",
            29418,
            Path.of("/etc/perestroika/gerrit_key"),
            URI.create("https://gerrit.example"),
            "ci",
            Optional.of(Path.of("/etc/perestroika/gerrit.password"))),
        config.gerrit().get("review"));
    SchedulerConfig.Customer acme = config.customers().get("acme");
    assertEquals("review", acme.gerrit(), "the only server is the default");
    assertEquals(
        new SchedulerConfig.ReleaseRoute(
            "mos10.0",
            List.of("openstack-ci/fuel-10.0/2024.1", "10.0"),
            List.of("bookworm"),
            "proposed"),
        acme.releases().get("mos10.0"));
  }

  @Test
  void everyMistakeInTheSchedulerSectionIsListedAtOnce() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    """
                    scheduler:
                      listen: everywhere
                      dispatcher: cron
                      gerrit:
                        review: {ssh: nowhere}
                      customers:
                        acme:
                          gerrit: elsewhere
                          releases:
                            mos10.0: {dists: [sid], merge-suite: nightly}
                    """,
                    "bad.yaml",
                    Optional.empty()));

    String all = String.join("\n", e.problems());
    assertTrue(all.contains("scheduler.listen: 'everywhere' is not host:port"), all);
    assertTrue(all.contains("scheduler.dispatcher: 'cron'"), all);
    assertTrue(all.contains("scheduler.gerrit.review: needs ssh"), all);
    assertTrue(all.contains("customers.acme.gerrit: 'elsewhere'"), all);
    assertTrue(all.contains("releases.mos10.0.branches"), all);
    assertTrue(all.contains("releases.mos10.0.dists: 'sid'"), all);
    assertTrue(all.contains("merge-suite"), all);
  }
}
