package org.perestroika.scheduler.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server settings and stream timings are checked when made; the password never shows. */
class GerritServerConfigTest {

  static GerritServerConfig config(String url) {
    return new GerritServerConfig(
        "review",
        "review.example.org",
        29418,
        "perestroika",
        Path.of("/etc/perestroika/gerrit_id_ecdsa"),
        Optional.empty(),
        URI.create(url),
        "perestroika",
        new Secret("http-pa55word"));
  }

  @Test
  void toStringMasksThePassword() {
    String text = config("https://review.example.org").toString();

    assertFalse(text.contains("http-pa55word"), text);
    assertEquals(true, text.contains("httpPassword=******"), text);
  }

  @Test
  void dropsATrailingSlashFromTheUrl() {
    assertEquals(
        URI.create("https://example.org/gerrit"), config("https://example.org/gerrit/").httpUrl());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "review.example.org",
        "ftp://review.example.org",
        "https://review.example.org/?x=1",
        "https://perestroika:pw@review.example.org"
      })
  void refusesUnusableUrls(String url) {
    assertThrows(IllegalArgumentException.class, () -> config(url));
  }

  @Test
  void refusesBadNamesAndPorts() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new GerritServerConfig(
                "review server",
                "h",
                29418,
                "u",
                Path.of("k"),
                Optional.empty(),
                URI.create("http://h"),
                "u",
                new Secret("p")));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new GerritServerConfig(
                "review",
                "h",
                0,
                "u",
                Path.of("k"),
                Optional.empty(),
                URI.create("http://h"),
                "u",
                new Secret("p")));
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    SshStreamOptions options = SshStreamOptions.defaults();

    assertEquals(Duration.ofSeconds(1), options.backoff(1));
    assertEquals(Duration.ofSeconds(2), options.backoff(2));
    assertEquals(Duration.ofSeconds(32), options.backoff(6));
    assertEquals(Duration.ofSeconds(60), options.backoff(7));
    assertEquals(Duration.ofSeconds(60), options.backoff(1000));
    assertThrows(IllegalArgumentException.class, () -> options.backoff(0));
  }

  @Test
  void streamOptionsRefuseNonsense() {
    Duration s = Duration.ofSeconds(1);
    assertThrows(IllegalArgumentException.class, () -> new SshStreamOptions(s, s, 0, s, s, s));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SshStreamOptions(s, s, 1, Duration.ofSeconds(2), s, s));
    assertThrows(
        IllegalArgumentException.class, () -> new SshStreamOptions(Duration.ZERO, s, 1, s, s, s));
  }
}
