package org.perestroika.scheduler.dispatch.jenkins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JenkinsConfigTest {
  private static final URI BASE = URI.create("https://ci.example.org/jenkins");

  @Test
  void tokenNeverShowsInToString() {
    JenkinsConfig config = JenkinsConfig.of(BASE, "perestroika", "s3cr3t-t0ken", 4);

    assertFalse(config.toString().contains("s3cr3t-t0ken"), config.toString());
    assertTrue(config.toString().contains("apiToken=****"), config.toString());
  }

  @Test
  void baseUrlGetsItsTrailingSlash() {
    assertEquals(
        URI.create("https://ci.example.org/jenkins/"),
        JenkinsConfig.of(BASE, "u", "t", 1).baseUrl());
  }

  @Test
  void everyProblemIsListedAtOnce() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new JenkinsConfig(
                    URI.create("ftp://ci.example.org/"),
                    " ",
                    "",
                    "{customer}-{branch}-build",
                    0,
                    Duration.ZERO,
                    Duration.ofSeconds(-1)));

    for (String problem :
        new String[] {
          "http or https",
          "user is missing",
          "apiToken is missing",
          "unknown placeholder {branch}",
          "slots must be at least 1",
          "pollInterval must be positive",
          "queueTimeout must be positive"
        }) {
      assertTrue(e.getMessage().contains(problem), problem + " in " + e.getMessage());
    }
  }

  @Test
  void credentialsInTheUrlAreRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JenkinsConfig.of(URI.create("https://u:t@ci.example.org/"), "u", "t", 1));

    assertTrue(e.getMessage().contains("must not carry credentials"), e.getMessage());
  }

  @Test
  void templateIsFilledIn() {
    JenkinsConfig config = JenkinsConfig.of(BASE, "u", "t", 1);

    assertEquals(
        "acme-mos10.0-rpm-build",
        config.jobName(
            Map.of(
                "customer", "acme",
                "release", "mos10.0",
                "format", "rpm",
                "dist", "centos7",
                "package", "nova")));
  }

  @Test
  void unbalancedBracesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new JenkinsConfig(
                BASE,
                "u",
                "t",
                "{customer-build",
                1,
                Duration.ofSeconds(1),
                Duration.ofMinutes(1)));
  }
}
