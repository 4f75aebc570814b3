package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseTest {

  @ParameterizedTest
  @ValueSource(strings = {"mos10.0", "mos9", "mos10.0.1", "openstack2024.1"})
  void aReleaseIsLettersThenAVersion(String name) {
    Release release = new Release(name);

    assertEquals(name, release.name());
    assertEquals(name, release.toString());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "mos",
        "10.0",
        "MOS10.0",
        "mos10.",
        "mos10..0",
        "mos-10.0",
        "mos10.0-proposed",
        " mos10.0"
      })
  void anythingElseIsRefusedWithAnExample(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Release(name));

    assertEquals(
        "release '" + name + "' is not of the form letters then a version, such as mos10.0",
        e.getMessage());
  }
}
