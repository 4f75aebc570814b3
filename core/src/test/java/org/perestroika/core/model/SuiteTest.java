package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SuiteTest {
  private static final Release MOS = new Release("mos10.0");

  @ParameterizedTest
  @CsvSource({
    "base, BASE, mos10.0",
    "proposed, PROPOSED, mos10.0-proposed",
    "updates, UPDATES, mos10.0-updates",
    "security, SECURITY, mos10.0-security",
    "holdback, HOLDBACK, mos10.0-holdback",
    "hotfix, HOTFIX, mos10.0-hotfix"
  })
  void eachSuiteHasAWordAndACodename(String word, Suite suite, String codename) {
    assertEquals(suite, Suite.parse(word));
    assertEquals(word, suite.word());
    assertEquals(codename, suite.codename(MOS));
  }

  @Test
  void theWordsAreListedInTheirOrder() {
    assertEquals("base, proposed, updates, security, holdback, hotfix", Suite.words());
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROPOSED", "backports", "", "-proposed"})
  void anUnknownWordListsTheKnownOnes(String word) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Suite.parse(word));

    assertEquals(
        "unknown suite '"
            + word
            + "': use one of base, proposed, updates, security, holdback, hotfix",
        e.getMessage());
  }
}
