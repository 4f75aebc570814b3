package org.perestroika.publisher.apt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AptRepositoryConfigTest {
  private final AptRepositoryConfig defaults =
      AptRepositoryConfig.defaults(Path.of("/var/lib/perestroika/repos/debian"));

  @Test
  void defaultsFollowTheSpec() {
    assertEquals("Perestroika", defaults.origin());
    assertEquals("Perestroika", defaults.label());
    assertEquals(List.of("amd64", "source"), defaults.architectures());
    assertEquals(List.of("main", "restricted"), defaults.components());
    assertEquals(3, defaults.keepSnapshots());
    assertEquals(Path.of("/etc/apt/keyrings/mos-archive-keyring.gpg"), defaults.clientKeyring());
  }

  @Test
  void architectureAllIsRefusedWithTheReason() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> defaults.withArchitectures(List.of("amd64", "all", "source")));
    assertTrue(e.getMessage().contains("reprepro 5.3 refuses it"), e.getMessage());
  }

  @Test
  void badValuesAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> defaults.withArchitectures(List.of("source")));
    assertThrows(
        IllegalArgumentException.class, () -> defaults.withArchitectures(List.of("AMD64")));
    assertThrows(
        IllegalArgumentException.class,
        () -> defaults.withArchitectures(List.of("amd64", "amd64")));
    assertThrows(IllegalArgumentException.class, () -> defaults.withKeepSnapshots(0));
    assertThrows(
        IllegalArgumentException.class, () -> defaults.withOriginAndLabel("two\nlines", "x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> defaults.withClientKeyring(Path.of("relative/key.gpg")));
    assertThrows(
        IllegalArgumentException.class,
        () -> defaults.withClientKeyring(Path.of("/etc/apt/key rings/k.gpg")));
  }
}
