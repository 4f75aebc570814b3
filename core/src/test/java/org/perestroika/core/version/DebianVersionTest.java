package org.perestroika.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DebianVersionTest {

  /** Each row is {@code lower, higher}; both directions and reflexivity are checked. */
  @ParameterizedTest(name = "{0} < {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // The mirror layout spec's own examples.
        "2.1.0-1~u14.04+mos1 | 2.1.0-1",
        "2.1.0-0~u14.04+mos1 | 2.1.0",
        "6.1-1~u14.04+mos1 | 6.1-1~u14.04+mos2",
        "6.14.0-2.3~u14.04+mos1 | 6.14.0-2.3~u14.04+mos2",
        "6.14.0-2.3~u14.04+mos3 | 6.14.0-3~u14.04+mos1",
        "6.14.0-2.3~u14.04+mos1 | 6.14.0-2.3ubuntu4",
        "1.0-1~u14.04+mos1 | 1.0-1~u14.04+mos1+mos6.1+1",
        "2.1.0-1~u14.04+mos1+mos6.1+1 | 2.1.0-1~u14.04+mos2",
        "2.1.0-1~u14.04+mos2~mos6.1+1 | 2.1.0-1~u14.04+mos2",
        "2.1.0-1~u14.04+mos2 | 2.2+dfsg-5exp~u14.04+mos3~mos6.1+1",
        "1.0-0 | 1.0-0u~u14.04+mos1",
        "1.0-0u~u14.04+mos1 | 1.0-0ubuntu1",
        "2.1.0-1~u14.04+mos1 | 2.1.0-1~u14.04+mos10",
        // Tilde sorts before everything, even the end of the string.
        "1.0~~ | 1.0~~a",
        "1.0~~a | 1.0~",
        "1.0~ | 1.0",
        "1.0~rc1 | 1.0",
        "1.0~rc1 | 1.0~rc2",
        "1.0-1~bpo1 | 1.0-1",
        // The end sorts before letters, letters before other characters.
        "1.0 | 1.0a",
        "1.0a | 1.0+",
        "1.0a | 1.0b",
        "1.0Z | 1.0a",
        "1.0+ | 1.0.",
        "1.0 | 1.0.1",
        "1.0-1 | 1.0-1.1",
        "1.0-1 | 1.0-a",
        // Digit runs compare as numbers, however long.
        "1.9 | 1.10",
        "1.2 | 1.10",
        "9 | 10",
        "1.9999999999999999999 | 1.99999999999999999999",
        "1.0-9 | 1.0-10",
        // The epoch outweighs everything else.
        "9.9 | 1:0.1",
        "1:2.0 | 2:1.0",
        "1:1.0-2 | 2:1.0-1",
        "5:1.0 | 10:1.0",
        // The upstream part outweighs the revision.
        "1.0-9 | 1.1-1",
        "1.0-1-9 | 1.0-2-1",
      })
  void ordersAsDpkg(String lower, String higher) {
    DebianVersion low = DebianVersion.parse(lower);
    DebianVersion high = DebianVersion.parse(higher);
    assertTrue(low.compareTo(high) < 0, lower + " should sort before " + higher);
    assertTrue(high.compareTo(low) > 0, higher + " should sort after " + lower);
    assertEquals(0, low.compareTo(DebianVersion.parse(lower)));
    assertTrue(low.isLowerThan(high));
    assertTrue(high.isHigherThan(low));
  }

  @ParameterizedTest(name = "{0} == {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0 | 0:1.0",
        "1.0 | 1.0-0",
        "1.01 | 1.1",
        "1.0-01 | 1.0-1",
        "1.0-00 | 1.0",
        "01:1.0 | 1:1.0",
      })
  void equalByDpkg(String left, String right) {
    assertEquals(0, DebianVersion.parse(left).compareTo(DebianVersion.parse(right)));
    assertEquals(0, DebianVersion.parse(right).compareTo(DebianVersion.parse(left)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0 | 0 | 1.0 | ''",
        "1.0-1 | 0 | 1.0 | 1",
        "2:1.0-1 | 2 | 1.0 | 1",
        "1.0-1-2 | 0 | 1.0-1 | 2",
        "1:2:3-4 | 1 | 2:3 | 4",
        "2.1.0-1~u14.04+mos1+mos6.1+1 | 0 | 2.1.0 | 1~u14.04+mos1+mos6.1+1",
        "'  1.0-1 ' | 0 | 1.0 | 1",
      })
  void splitsIntoParts(String text, int epoch, String upstream, String revision) {
    assertEquals(new DebianVersion(epoch, upstream, revision), DebianVersion.parse(text));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0 | 1.0",
        "0:1.0-1 | 1.0-1",
        "2:1.0-1 | 2:1.0-1",
        "01:1.0 | 1:1.0",
        "0:1:2 | 0:1:2",
        "1.0-1-2 | 1.0-1-2",
      })
  void printsCanonically(String text, String canonical) {
    DebianVersion version = DebianVersion.parse(text);
    assertEquals(canonical, version.toString());
    assertEquals(version, DebianVersion.parse(version.toString()));
  }

  @ParameterizedTest(name = "[{index}] '{0}'")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | the version is empty",
        "'   ' | the version is empty",
        "1.0 1 | cannot contain whitespace",
        ":1.0 | the epoch before ':' is empty",
        "a:1.0 | the epoch 'a' is not a number",
        "-1:1.0 | the epoch '-1' is not a number",
        "99999999999:1.0 | the epoch '99999999999' is too big",
        "1: | nothing follows the epoch",
        "1.0- | the revision after the last '-' is empty",
        "-1 | the upstream version is empty",
        "1:-1 | the upstream version is empty",
        "a1.0 | must start with a digit",
        "~1.0 | must start with a digit",
        "1.0_1 | has '_'",
        "1.0/1 | has '/'",
        "1.0-1_2 | the revision may hold only",
        "1.0-1:2 | the epoch '1.0-1' is not a number",
        "1.0-ü | the revision may hold only",
      })
  void rejectsWhatDpkgRejects(String text, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DebianVersion.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void constructorKeepsRecordsReadableBack() {
    assertThrows(IllegalArgumentException.class, () -> new DebianVersion(0, "1.0-1", ""));
    assertThrows(IllegalArgumentException.class, () -> new DebianVersion(-1, "1.0", ""));
    assertEquals("1.0", DebianVersion.of("1.0").toString());
  }

  @Test
  void sortsAListLikeDpkg() {
    List<String> expected =
        List.of(
            "1.0~rc1",
            "1.0-0~u14.04+mos1",
            "1.0",
            "1.0-1~u14.04+mos1",
            "1.0-1~u14.04+mos1+mos6.1+1",
            "1.0-1~u14.04+mos2~mos6.1+1",
            "1.0-1~u14.04+mos2",
            "1.0-1",
            "1.0a",
            "1.0+dfsg",
            "1.1",
            "1:0.1");
    List<String> shuffled = new java.util.ArrayList<>(expected);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    List<String> sorted =
        shuffled.stream().map(DebianVersion::parse).sorted().map(Object::toString).toList();
    assertEquals(expected, sorted);
  }
}
