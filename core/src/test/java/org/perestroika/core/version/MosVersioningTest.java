package org.perestroika.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MosVersioningTest {

  private static DebianVersion v(String text) {
    return DebianVersion.parse(text);
  }

  private static void assertBelow(String lower, String higher) {
    assertTrue(v(lower).isLowerThan(v(higher)), lower + " should sort below " + higher);
  }

  @ParameterizedTest(name = "{0} {1} +mos{2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // fuel-nailgun, the spec's MOS-specific example.
        "6.1 | u14.04 | 1 | 6.1-1~u14.04+mos1",
        "6.1 | u14.04 | 3 | 6.1-1~u14.04+mos3",
        "10.0 | deb12 | 1 | 10.0-1~deb12+mos1",
        "1:2014.2.3 | u14.04 | 1 | 1:2014.2.3-1~u14.04+mos1",
      })
  void mosSpecificRevisionIsAlwaysOne(String upstream, String token, int sub, String expected) {
    assertEquals(expected, MosVersioning.mosSpecific(upstream, token, sub).toString());
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // The spec's divergent examples.
        "2.1.0-1 | u14.04 | 1 | 2.1.0-1~u14.04+mos1",
        "6.14.0-2.3ubuntu4 | u14.04 | 1 | 6.14.0-2.3~u14.04+mos1",
        "6.14.0-2.3ubuntu4 | u14.04 | 2 | 6.14.0-2.3~u14.04+mos2",
        "6.14.0-2.3ubuntu4 | u14.04 | 3 | 6.14.0-2.3~u14.04+mos3",
        "6.14.0-3ubuntu1 | u14.04 | 1 | 6.14.0-3~u14.04+mos1",
        // The 0ubuntuX case: 0ubuntuX -> 0u~u14.04+mos.
        "1.0-0ubuntu1 | u14.04 | 1 | 1.0-0u~u14.04+mos1",
        "1.0-0ubuntu12 | u14.04 | 2 | 1.0-0u~u14.04+mos2",
        // Beyond the spec's examples.
        "2.2+dfsg-5exp | u14.04 | 3 | 2.2+dfsg-5exp~u14.04+mos3",
        "1:2.1.0-1ubuntu0.14.04.1 | u14.04 | 1 | 1:2.1.0-1~u14.04+mos1",
        "2.36-9+deb12u4 | deb12 | 1 | 2.36-9+deb12u4~deb12+mos1",
        "1.2-3debian1 | deb12 | 1 | 1.2-3~deb12+mos1",
        "1.2-3.Ubuntu1 | u14.04 | 1 | 1.2-3~u14.04+mos1",
        "1.2-ubuntu1 | u14.04 | 1 | 1.2-u~u14.04+mos1",
      })
  void divergentKeepsTheTrademarkFreeRevision(
      String upstream, String token, int sub, String expected) {
    DebianVersion derived = MosVersioning.divergent(v(upstream), token, sub);
    assertEquals(expected, derived.toString());
    assertBelow(expected, upstream);
    assertTrue(!derived.revision().startsWith("0~"), "revision starts with 0~: " + derived);
    // A dependency on the software version is still satisfied.
    DebianVersion software = new DebianVersion(derived.epoch(), derived.upstream(), "");
    assertTrue(!derived.isLowerThan(software), derived + " must satisfy >= " + software);
    if (sub > 1) {
      assertTrue(
          MosVersioning.divergent(v(upstream), token, sub - 1).isLowerThan(derived),
          "a higher subrevision must sort above the earlier one");
    }
  }

  @ParameterizedTest(name = "{0} after {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Same upstream version and base revision: the subrevision goes up.
        "6.14.0-2.3~u14.04+mos1 | 6.14.0-2.3ubuntu4 | 6.14.0-2.3~u14.04+mos2",
        "6.14.0-2.3~u14.04+mos2 | 6.14.0-2.3ubuntu4 | 6.14.0-2.3~u14.04+mos3",
        // A new base distro revision resets it.
        "6.14.0-2.3~u14.04+mos3 | 6.14.0-3ubuntu1 | 6.14.0-3~u14.04+mos1",
        // A new upstream version resets it.
        "2.1.0-1~u14.04+mos2 | 2.2+dfsg-5exp | 2.2+dfsg-5exp~u14.04+mos1",
        // Only the vendor's part changed: the trademark-free base is the same, so it goes up.
        "6.14.0-2.3~u14.04+mos1 | 6.14.0-2.3ubuntu5 | 6.14.0-2.3~u14.04+mos2",
        "1.0-0u~u14.04+mos1 | 1.0-0ubuntu2 | 1.0-0u~u14.04+mos2",
        // MOS-specific packages: the upstream is the software version.
        "6.1-1~u14.04+mos1 | 6.1 | 6.1-1~u14.04+mos2",
        "6.1-1~u14.04+mos4 | 7.0 | 7.0-1~u14.04+mos1",
        "10.0-1~deb12+mos1 | 10.0 | 10.0-1~deb12+mos2",
      })
  void nextIncrementsOrResets(String previous, String upstream, String expected) {
    DebianVersion next = MosVersioning.next(v(previous), v(upstream));
    assertEquals(expected, next.toString());
    assertBelow(previous, expected);
  }

  @Test
  void theSpecsBackportTablesHoldAndSortAsTheReleaseProgressionNeeds() {
    String mos61 = "2.1.0-1~u14.04+mos1";
    String mos70 = "2.1.0-1~u14.04+mos1";
    String mos71 = "2.1.0-1~u14.04+mos2";

    // A subset of the modifications.
    String subset61 = MosVersioning.backportSubset(v(mos61), "mos6.1", 1).toString();
    String subset70 = MosVersioning.backportSubset(v(mos70), "mos7.0", 1).toString();
    assertEquals("2.1.0-1~u14.04+mos1+mos6.1+1", subset61);
    assertEquals("2.1.0-1~u14.04+mos1+mos7.0+1", subset70);
    assertBelow(mos61, subset61);
    assertBelow(subset61, subset70);
    assertBelow(subset70, mos71);
    assertBelow(subset61, MosVersioning.backportSubset(v(mos61), "mos6.1", 2).toString());

    // The whole package from the current release.
    String whole61 = MosVersioning.backportWhole(v(mos71), "mos6.1", 1).toString();
    String whole70 = MosVersioning.backportWhole(v(mos71), "mos7.0", 1).toString();
    assertEquals("2.1.0-1~u14.04+mos2~mos6.1+1", whole61);
    assertEquals("2.1.0-1~u14.04+mos2~mos7.0+1", whole70);
    assertBelow(mos61, whole61);
    assertBelow(whole61, whole70);
    assertBelow(whole70, mos71);

    // The same with an upgrade to a newer software version.
    String upgraded71 = "2.2+dfsg-5exp~u14.04+mos3";
    String upgraded61 = MosVersioning.backportWhole(v(upgraded71), "mos6.1", 1).toString();
    String upgraded70 = MosVersioning.backportWhole(v(upgraded71), "mos7.0", 1).toString();
    assertEquals("2.2+dfsg-5exp~u14.04+mos3~mos6.1+1", upgraded61);
    assertEquals("2.2+dfsg-5exp~u14.04+mos3~mos7.0+1", upgraded70);
    assertBelow(mos61, upgraded61);
    assertBelow(upgraded61, upgraded70);
    assertBelow(upgraded70, upgraded71);
  }

  @Test
  void aProgressionBuiltByTheSchemeNeverGoesDown() {
    // 6.0 <= 6.0.1 <= 6.1 <= 6.1.1 <= 6.1.2 <= 7.0, one qemu version per state.
    DebianVersion mos60 = MosVersioning.divergent(v("2.0.0-1ubuntu1"), "u14.04", 1);
    DebianVersion mos601 = MosVersioning.backportSubset(mos60, "mos6.0", 1);
    DebianVersion mos61 = MosVersioning.divergent(v("2.1.0-1"), "u14.04", 1);
    DebianVersion mos611 = MosVersioning.backportSubset(mos61, "mos6.1", 1);
    DebianVersion mos612 = MosVersioning.backportSubset(mos61, "mos6.1", 2);
    DebianVersion mos70 = MosVersioning.next(mos61, v("2.1.0-1"));
    List<DebianVersion> progression = List.of(mos60, mos601, mos61, mos611, mos612, mos70);
    for (int i = 1; i < progression.size(); i++) {
      assertTrue(
          !progression.get(i).isLowerThan(progression.get(i - 1)),
          progression.get(i - 1) + " <= " + progression.get(i));
    }
    assertEquals("2.1.0-1~u14.04+mos2", mos70.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "native package | 2.1.0 | u14.04 | 1 | no Debian revision",
        "no trademark-free revision below | 1.0-0~ubuntu1 | u14.04 | 1 | would not sort below",
        "subrevision 0 | 2.1.0-1 | u14.04 | 0 | subrevision must be 1 or more",
        "negative subrevision | 2.1.0-1 | u14.04 | -1 | subrevision must be 1 or more",
        "token with a space | 2.1.0-1 | u14 .04 | 1 | distro token 'u14 .04'",
        "token with + | 2.1.0-1 | u14+04 | 1 | distro token",
        "token starting with a digit | 2.1.0-1 | 14.04 | 1 | must start with a letter",
        "empty token | 2.1.0-1 | '' | 1 | distro token",
        "trademark in the token | 2.1.0-1 | ubuntu14.04 | 1 | trademark",
        "trademark in the upstream version | 2.1ubuntu-1 | u14.04 | 1 | trademark",
        "already a MOS version | 2.1.0-1~u14.04+mos1 | u14.04 | 1 | already a MOS version",
      })
  void divergentRefusesWhatTheSchemeCannotExpress(
      String why, String upstream, String token, int sub, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MosVersioning.divergent(v(upstream), token, sub));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "upstream with a revision | 6.1-1 | u14.04 | 1 | has a Debian revision",
        "upstream with a space | 6 .1 | u14.04 | 1 | whitespace",
        "empty upstream | '' | u14.04 | 1 | empty",
        "upstream not starting with a digit | v6.1 | u14.04 | 1 | start with a digit",
        "token with a space | 6.1 | 'u14.04 ' | 1 | distro token",
        "subrevision 0 | 6.1 | u14.04 | 0 | subrevision must be 1 or more",
      })
  void mosSpecificRefusesBadInput(
      String why, String upstream, String token, int sub, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MosVersioning.mosSpecific(upstream, token, sub));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "previous not a MOS version | 2.1.0-1 | 2.1.0-1 | not a primary MOS version",
        "previous an updates backport | 2.1.0-1~u14.04+mos1+mos6.1+1 | 2.1.0-1 | not a primary",
        "upstream went down | 2.1.0-1~u14.04+mos1 | 2.0.0-1 | would not sort above",
        "native upstream resetting below | 2.1.0-1~u14.04+mos1 | 2.0 | would not sort above",
      })
  void nextRefusesDowngradesAndForeignVersions(
      String why, String previous, String upstream, String message) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> MosVersioning.next(v(previous), v(upstream)));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not a MOS version | 2.1.0-1 | mos6.1 | 1 | not a primary MOS version",
        "already a backport | 2.1.0-1~u14.04+mos2~mos6.1+1 | mos6.1 | 1 | not a primary",
        "release with a space | 2.1.0-1~u14.04+mos1 | mos 6.1 | 1 | release 'mos 6.1'",
        "release without a version | 2.1.0-1~u14.04+mos1 | mos | 1 | release 'mos'",
        "number 0 | 2.1.0-1~u14.04+mos1 | mos6.1 | 0 | must be 1 or more",
      })
  void backportsRefuseBadInput(String why, String from, String release, int n, String message) {
    for (var backport :
        List.<Runnable>of(
            () -> MosVersioning.backportSubset(v(from), release, n),
            () -> MosVersioning.backportWhole(v(from), release, n))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, backport::run);
      assertTrue(e.getMessage().contains(message), e.getMessage());
    }
  }

  @Test
  void mosRevisionReadsBackWhatItWrites() {
    MosRevision revision = MosRevision.parse("2.3~u14.04+mos12");
    assertEquals(new MosRevision("2.3", "u14.04", 12), revision);
    assertEquals("2.3~u14.04+mos12", revision.toString());
    assertThrows(IllegalArgumentException.class, () -> new MosRevision("0", "u14.04", 1));
    assertThrows(IllegalArgumentException.class, () -> new MosRevision("2ubuntu1", "u14.04", 1));
  }

  @Test
  void trademarksAndTheKeywordAreFoundAnywhereInAnyCase() {
    assertEquals(List.of("ubuntu"), MosVersioning.trademarksIn("6.14.0-2.3Ubuntu4"));
    assertEquals(List.of("ubuntu", "debian"), MosVersioning.trademarksIn("1.0+debian-0ubuntu1"));
    assertEquals(List.of(), MosVersioning.trademarksIn("2.1.0-1~u14.04+mos1"));
    assertTrue(MosVersioning.carriesKeyword(v("2.1.0-1~u14.04+mos1")));
    assertTrue(MosVersioning.carriesKeyword(v("2.0+MOS1")));
    assertEquals(false, MosVersioning.carriesKeyword(v("2.1.0-1")));
  }
}
