package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ReleaseProgressionTest {
  private static List<Release> releases(String... names) {
    return Stream.of(names).map(Release::new).toList();
  }

  @Test
  void naturalOrderFollowsTheNumbersOfTheSpecsExample() {
    List<Release> known =
        releases("mos7.0", "mos6.1.2", "mos6.0", "mos6.1", "mos6.0.1", "mos6.1.1");

    assertEquals(
        releases("mos6.0", "mos6.0.1", "mos6.1", "mos6.1.1", "mos6.1.2"),
        ReleaseProgression.natural().earlier(new Release("mos7.0"), known));
    assertEquals(
        releases("mos6.0"), ReleaseProgression.natural().earlier(new Release("mos6.0.1"), known));
    assertEquals(List.of(), ReleaseProgression.natural().earlier(new Release("mos6.0"), known));
  }

  @Test
  void naturalOrderComparesNumbersNotText() {
    assertEquals(
        releases("mos9.0"),
        ReleaseProgression.natural()
            .earlier(new Release("mos10.0"), releases("mos9.0", "mos10.0")));
  }

  @Test
  void releasesOfAnotherNameAreNotInTheNaturalProgression() {
    assertEquals(
        List.of(),
        ReleaseProgression.natural()
            .earlier(new Release("mos10.0"), releases("test1.0", "mos10.0")));
  }

  @Test
  void aConfiguredOrderWinsOverNumbers() {
    ReleaseProgression progression =
        new ReleaseProgression(releases("mos9.0", "mos8.0", "mos10.0"));

    assertEquals(
        releases("mos9.0", "mos8.0"),
        progression.earlier(new Release("mos10.0"), releases("mos8.0", "mos9.0", "mos10.0")));
    assertEquals(
        releases("mos9.0"), progression.earlier(new Release("mos8.0"), releases("mos9.0")));
  }

  @Test
  void aReleaseOutsideAConfiguredProgressionIsAnErrorThatSaysWhereToAddIt() {
    ReleaseProgression progression = new ReleaseProgression(releases("mos9.0", "mos10.0"));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> progression.earlier(new Release("mos11.0"), releases("mos9.0")));
    assertTrue(e.getMessage().contains("publisher.progression"), e.getMessage());
  }

  @Test
  void aReleaseNamedTwiceIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new ReleaseProgression(releases("mos9.0", "mos9.0")));
  }
}
