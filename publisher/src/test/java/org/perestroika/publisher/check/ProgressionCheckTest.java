package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.Release;

/** The spec's rule: no version goes down along the release progression, nor below the base. */
class ProgressionCheckTest {
  private static final Release MOS10 = new Release("mos10.0");
  private static final List<String> SUITES =
      List.of(
          "mos10.0",
          "mos10.0-proposed",
          "mos10.0-updates",
          "mos10.0-security",
          "mos10.0-holdback",
          "mos10.0-hotfix");
  private static final List<String> EARLIER =
      List.of("mos9.0", "mos9.0-updates", "mos9.0-security");

  @Test
  void versionsThatOnlyGoUpPass() {
    CheckResult result =
        ProgressionCheck.check(
            MOS10,
            SUITES,
            EARLIER,
            Map.of(
                "mos9.0", Map.of("nova", Set.of("1:20.0-1")),
                "mos9.0-updates", Map.of("nova", Set.of("1:20.1-1~mos9.0+1")),
                "mos10.0", Map.of("nova", Set.of("1:21.0-1")),
                "mos10.0-updates", Map.of("nova", Set.of("1:21.0-1+mos1+mos10.0+1")),
                "mos10.0-proposed", Map.of("nova", Set.of("1:21.0-1"), "glance", Set.of("2.0"))));

    assertEquals(List.of(), result.problems());
    assertEquals(
        "2 source packages in 6 suites, against 3 suites of earlier releases and the base suite",
        result.summary());
  }

  @Test
  void anyVersionOfTheReleaseBelowAnEarlierReleasesClientSuitesIsADowngrade() {
    CheckResult result =
        ProgressionCheck.check(
            MOS10,
            SUITES,
            EARLIER,
            Map.of(
                "mos9.0", Map.of("nova", Set.of("20.0")),
                "mos9.0-security", Map.of("nova", Set.of("20.0+sec1")),
                "mos10.0-proposed", Map.of("nova", Set.of("20.0")),
                "mos10.0-hotfix", Map.of("nova", Set.of("21.0"))));

    assertEquals(
        List.of(
            "nova 20.0 in mos10.0-proposed is lower than 20.0+sec1 in mos9.0-security: clients"
                + " upgrading from mos9.0-security would be downgraded"),
        result.problems());
  }

  @Test
  void anUpdateOrSecurityVersionBelowTheBaseIsADowngrade() {
    CheckResult result =
        ProgressionCheck.check(
            MOS10,
            SUITES,
            List.of(),
            Map.of(
                "mos10.0", Map.of("nova", Set.of("2.0")),
                "mos10.0-updates", Map.of("nova", Set.of("1.9")),
                "mos10.0-security", Map.of("nova", Set.of("2.0~sec1")),
                // Proposed and holdback are not what clients of the release upgrade from.
                "mos10.0-proposed", Map.of("nova", Set.of("1.0")),
                "mos10.0-holdback", Map.of("nova", Set.of("1.0"))));

    assertEquals(
        List.of(
            "nova 1.9 in mos10.0-updates is lower than 2.0 in mos10.0, the release's base suite:"
                + " the update is a downgrade",
            "nova 2.0~sec1 in mos10.0-security is lower than 2.0 in mos10.0, the release's base"
                + " suite: the update is a downgrade"),
        result.problems());
  }

  @Test
  void earlierReleasesProposedAndHoldbackAreNotCompared() {
    // Only base, updates and security of an earlier release reach its clients; the caller
    // passes only those, so a higher version in mos9.0-proposed is no downgrade.
    CheckResult result =
        ProgressionCheck.check(
            MOS10,
            SUITES,
            EARLIER,
            Map.of(
                "mos9.0-proposed", Map.of("nova", Set.of("99.0")),
                "mos10.0", Map.of("nova", Set.of("21.0"))));

    assertEquals(List.of(), result.problems());
  }

  @Test
  void anUnreadableVersionIsAProblemNamingIt() {
    CheckResult result =
        ProgressionCheck.check(
            MOS10, SUITES, EARLIER, Map.of("mos10.0", Map.of("nova", Set.of("x1.0"))));

    assertEquals(1, result.problems().size());
    assertEquals(
        "nova in mos10.0: invalid Debian version 'x1.0': the upstream version must start with a digit",
        result.problems().get(0));
  }
}
