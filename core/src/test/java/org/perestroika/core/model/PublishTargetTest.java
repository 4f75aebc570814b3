package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PublishTargetTest {

  @Test
  void aCodenameWithASuffixNamesTheReleaseAndTheSuite() {
    PublishTarget target = PublishTarget.parse("mos10.0-proposed");

    assertEquals(new PublishTarget(new Release("mos10.0"), Suite.PROPOSED), target);
    assertEquals("mos10.0-proposed", target.codename());
    assertEquals("mos10.0-proposed", target.toString());
  }

  @Test
  void aBareReleaseIsItsBaseSuite() {
    PublishTarget target = PublishTarget.parse("mos10.0");

    assertEquals(new PublishTarget(new Release("mos10.0"), Suite.BASE), target);
    assertEquals("mos10.0", target.codename());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mos10.0",
        "mos10.0-proposed",
        "mos10.0-updates",
        "mos10.0-security",
        "mos9-holdback"
      })
  void codenamesReadBackAsWritten(String codename) {
    assertEquals(codename, PublishTarget.parse(codename).codename());
  }

  @Test
  void anUnknownSuiteIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PublishTarget.parse("mos10.0-nightly"));

    assertEquals(
        "unknown suite 'nightly': use one of base, proposed, updates, security, holdback,"
            + " hotfix",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"MOS10.0-proposed", "10.0-proposed", "-proposed", ""})
  void aBadReleaseIsRefused(String codename) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PublishTarget.parse(codename));

    assertTrue(e.getMessage().startsWith("release '"), e.getMessage());
  }

  @Test
  void bothPartsAreRequired() {
    assertThrows(NullPointerException.class, () -> new PublishTarget(null, Suite.BASE));
    assertThrows(NullPointerException.class, () -> new PublishTarget(new Release("mos10.0"), null));
  }
}
