package org.perestroika.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RpmVersionTest {

  /** Each row is {@code lower, higher}, as rpm 4.18's rpm.vercmp orders them. */
  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // More segments win when the common ones match.
        "1.0 | 1.0.0",
        "1.0 | 1.0.1",
        "1.9 | 1.10",
        "1.2 | 1.10",
        "9 | 10",
        "1.9999999999999999999 | 1.99999999999999999999",
        // Tilde sorts before everything, even the end of the string.
        "1.0~rc1 | 1.0",
        "1.0~rc1 | 1.0~rc2",
        "1.0~~ | 1.0~",
        "1.0~ | 1.0",
        "1~ | 1^",
        // Caret sorts after the end, but before any further segment.
        "1.0 | 1.0^git1",
        "1.0^ | 1.0.0",
        "1.0^git1 | 1.0.1",
        "1.0^git1 | 1.0^git2",
        "1.0^a | 1.0^1",
        // A numeric segment is newer than an alphabetic one; letters compare as ASCII.
        "1.a | 1.1",
        "abc | 1",
        "1.0a | 1.0.1",
        "1.0A | 1.0a",
        "1.0a | 1.0b",
        "1 | 1a",
        "1.ab | 1.abc",
        // The epoch outweighs everything, numerically.
        "9.9 | 1:0.1",
        "1:2.0 | 2:1.0",
        "9:1 | 10:1",
        "1:1.0-5 | 2:1.0",
        // The version outweighs the release.
        "1.0-9 | 1.1-1",
        "1.0-1 | 1.0-2",
        "1.0-1 | 1.0-1.0",
        "1.0-1 | 1.0-1^",
        "1.0-1~ | 1.0-1",
        // A missing release sorts before any release, even one starting with '~'.
        "1.0 | 1.0-1",
        "1.0 | 1.0-0",
        "1.0 | 1.0-~1",
        "1.0 | 1.0-^1",
      })
  void ordersAsRpm(String lower, String higher) {
    RpmVersion low = RpmVersion.parse(lower);
    RpmVersion high = RpmVersion.parse(higher);
    assertTrue(low.compareTo(high) < 0, lower + " should sort before " + higher);
    assertTrue(high.compareTo(low) > 0, higher + " should sort after " + lower);
    assertEquals(0, low.compareTo(RpmVersion.parse(lower)));
    assertTrue(low.isLowerThan(high));
    assertTrue(high.isHigherThan(low));
  }

  @ParameterizedTest(name = "{0} == {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0 | 0:1.0",
        "1.01 | 1.1",
        "00 | 0",
        "1.0a | 1.0.a",
        "1..0 | 1.0",
        "1.0 | 1.0.",
        "1.0 | 1_0",
        "1.0+1 | 1.0.1",
        "1.0-01 | 1.0-1",
        "01:1.0 | 1:1.0",
      })
  void equalByRpm(String left, String right) {
    assertEquals(0, RpmVersion.parse(left).compareTo(RpmVersion.parse(right)));
    assertEquals(0, RpmVersion.parse(right).compareTo(RpmVersion.parse(left)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0 | 0 | 1.0 | ''",
        "1.0-1 | 0 | 1.0 | 1",
        "2:1.0-1.el9 | 2 | 1.0 | 1.el9",
        "0:1.0^git1-0.1~rc2 | 0 | 1.0^git1 | 0.1~rc2",
        "1.0_1-2 | 0 | 1.0_1 | 2",
      })
  void splitsIntoParts(String text, int epoch, String version, String release) {
    assertEquals(new RpmVersion(epoch, version, release), RpmVersion.parse(text));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0 | 1.0",
        "0:1.0-1 | 1.0-1",
        "2:1.0-1 | 2:1.0-1",
        "01:1.0 | 1:1.0",
      })
  void printsCanonically(String text, String canonical) {
    RpmVersion version = RpmVersion.parse(text);
    assertEquals(canonical, version.toString());
    assertEquals(version, RpmVersion.parse(version.toString()));
  }

  @ParameterizedTest(name = "[{index}] '{0}'")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | the version is empty",
        "'   ' | cannot contain whitespace",
        "1.0 1 | cannot contain whitespace",
        "' 1.0' | cannot contain whitespace",
        ":1.0 | the epoch before ':' is empty",
        "a:1.0 | the epoch 'a' is not a number",
        "-1:1.0 | the epoch '-1' is not a number",
        "99999999999:1.0 | the epoch '99999999999' is too big",
        "1: | the version is empty",
        "1.0- | the release after the last '-' is empty",
        "-1 | the version is empty",
        "1:-1 | the version is empty",
        "1.0-1-2 | the version may hold only",
        "1.0-1:2 | the epoch '1.0-1' is not a number",
        "1:2:3 | the version may hold only",
        "1.0/1 | has '/'",
        "1.0-1%2 | the release may hold only",
        "1.0-ü | the release may hold only",
      })
  void rejectsMalformedVersions(String text, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RpmVersion.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void constructorKeepsRecordsReadableBack() {
    assertThrows(IllegalArgumentException.class, () -> new RpmVersion(0, "1.0-1", ""));
    assertThrows(IllegalArgumentException.class, () -> new RpmVersion(0, "1.0", "1-2"));
    assertThrows(IllegalArgumentException.class, () -> new RpmVersion(-1, "1.0", ""));
    assertThrows(IllegalArgumentException.class, () -> new RpmVersion(0, "", "1"));
    assertEquals("1.0", RpmVersion.of("1.0").toString());
  }

  @Test
  void sortsAListLikeRpm() {
    List<String> expected =
        List.of(
            "1.0~rc1",
            "1.0~rc1-1",
            "1.0",
            "1.0-~1",
            "1.0-1",
            "1.0^git1",
            "1.0a",
            "1.0.0",
            "1.1",
            "1:0.1");
    List<String> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new Random(7));
    List<String> sorted =
        shuffled.stream().map(RpmVersion::parse).sorted().map(Object::toString).toList();
    assertEquals(expected, sorted);
  }
}
