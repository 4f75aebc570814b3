package org.perestroika.publisher.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.version.DebianVersion;

class VersionPolicyTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);
  private static final Release MOS9 = new Release("mos9.0");
  private static final Release MOS10 = new Release("mos10.0");
  private static final PublishTarget PROPOSED = PublishTarget.parse("mos10.0-proposed");
  private static final VersionPolicy POLICY =
      new VersionPolicy(
          ReleaseProgression.natural(),
          Set.of(MOS9),
          new FixedBaseDistro(
              "bookworm",
              Map.of(
                  "qemu", DebianVersion.parse("1:7.2+dfsg-7"),
                  "hello", DebianVersion.parse("2.10-3"))));

  private static ChangesFile upload(String version) {
    return upload("perestroika-hello", version);
  }

  private static ChangesFile upload(String source, String version) {
    return new ChangesFile(
        source,
        DebianVersion.parse(version),
        "bookworm",
        List.of("amd64"),
        List.of(new ChangesFile.Entry(source + "_" + version + "_amd64.deb", 10, SHA_A)));
  }

  private static List<String> check(ChangesFile upload, PublishTarget target) {
    return check(upload, target, Map.of());
  }

  private static List<String> check(
      ChangesFile upload, PublishTarget target, Map<String, String> held) {
    // In the order the repository reads them: the bounding suites'.
    Set<Release> releases = new java.util.HashSet<>(Set.of(target.release()));
    held.keySet().forEach(suite -> releases.add(PublishTarget.parse(suite).release()));
    Map<PublishTarget, DebianVersion> versions = new LinkedHashMap<>();
    for (PublishTarget suite : POLICY.boundingSuites(target, releases)) {
      Optional.ofNullable(held.get(suite.codename()))
          .ifPresent(version -> versions.put(suite, v(version)));
    }
    return POLICY
        .check(upload, target, versions, Map.of(), POLICY.upstreamVersion(upload.source(), target))
        .stream()
        .map(PolicyViolation::message)
        .toList();
  }

  private static DebianVersion v(String version) {
    return DebianVersion.parse(version);
  }

  @Test
  void boundingSuitesAreTheWholeReleaseThenWhatEarlierReleasesShipped() {
    List<String> expected =
        new ArrayList<>(
            List.of(
                "mos10.0",
                "mos10.0-proposed",
                "mos10.0-updates",
                "mos10.0-security",
                "mos10.0-holdback",
                "mos10.0-hotfix"));
    expected.addAll(List.of("mos6.1", "mos6.1-updates", "mos6.1-security"));
    expected.addAll(List.of("mos9.0", "mos9.0-updates", "mos9.0-security"));

    List<PublishTarget> suites =
        POLICY.boundingSuites(
            PROPOSED, List.of(new Release("mos11.0"), MOS10, MOS9, new Release("mos6.1")));

    assertEquals(expected, suites.stream().map(PublishTarget::codename).toList());
  }

  @Test
  void aConfiguredProgressionDecidesWhatIsEarlier() {
    VersionPolicy configured =
        new VersionPolicy(
            new ReleaseProgression(List.of(MOS10, MOS9)), Set.of(), FixedBaseDistro.empty());
    assertEquals(
        List.of("mos10.0", "mos10.0-updates", "mos10.0-security"),
        configured
            .boundingSuites(PublishTarget.parse("mos9.0-updates"), List.of(MOS9, MOS10))
            .stream()
            .skip(6)
            .map(PublishTarget::codename)
            .toList());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                configured.boundingSuites(
                    PublishTarget.parse("mos11.0-proposed"), List.of(MOS9, MOS10)));
    assertEquals(
        "release mos11.0 is not in the configured progression [mos10.0, mos9.0]: add it to"
            + " publisher.progression in its place",
        e.getMessage());
  }

  @Test
  void allowsMosVersionsThatGoUpOrStayAndSameContentAgain() {
    assertEquals(List.of(), check(upload("1.0-1~deb12+mos1"), PROPOSED));
    assertEquals(
        List.of(),
        check(
            upload("1.0-1~deb12+mos2"),
            PROPOSED,
            Map.of(
                "mos10.0-proposed", "1.0-1~deb12+mos1",
                "mos10.0-updates", "1.0-1~deb12+mos2",
                "mos9.0-updates", "1.0-1~deb12+mos2")));
    assertEquals(
        List.of(),
        POLICY.check(
            upload("1.0-2~deb12+mos1"),
            PROPOSED,
            Map.of(PROPOSED, v("1.0-2~deb12+mos1")),
            Map.of("perestroika-hello_1.0-2~deb12+mos1_amd64.deb", SHA_A),
            Optional.empty()));
  }

  @Test
  void refusesAVersionBelowAnySuiteOfItsReleaseNamingTheSuite() {
    assertEquals(
        List.of(
            "perestroika-hello 1.0-1~deb12+mos1 is lower than 1.0-1~deb12+mos2 in"
                + " mos10.0-updates: versions never go down within mos10.0; publish"
                + " 1.0-1~deb12+mos2 or a higher version",
            "perestroika-hello 1.0-1~deb12+mos1 is lower than 1.0-2~deb12+mos1 in mos10.0-hotfix:"
                + " versions never go down within mos10.0; publish 1.0-2~deb12+mos1 or a higher"
                + " version"),
        check(
            upload("1.0-1~deb12+mos1"),
            PROPOSED,
            Map.of(
                "mos10.0-updates", "1.0-1~deb12+mos2",
                "mos10.0-hotfix", "1.0-2~deb12+mos1")));
  }

  @Test
  void refusesAVersionBelowAnEarlierReleaseNamingTheSuiteAndTheOrder() {
    assertEquals(
        List.of(
            "qemu 2.1.0-1~u14.04+mos1 is lower than 2.1.0-1~u14.04+mos2 in mos7.0-updates:"
                + " versions never go down along the release progression, and mos7.0 comes"
                + " before mos7.1; publish 2.1.0-1~u14.04+mos2 or a higher version"),
        check(
            upload("qemu", "2.1.0-1~u14.04+mos1"),
            PublishTarget.parse("mos7.1-proposed"),
            Map.of("mos7.0-updates", "2.1.0-1~u14.04+mos2")));
  }

  @Test
  void refusesTheBaseSuiteOfAReleasePastGa() {
    assertEquals(
        List.of(
            "mos9.0 is past GA: its base suite is frozen; publish to mos9.0-updates or -security"),
        check(upload("1.0-1~deb12+mos1"), PublishTarget.parse("mos9.0")));
    for (String open : List.of("mos9.0-updates", "mos9.0-security", "mos9.0-hotfix", "mos10.0")) {
      assertEquals(List.of(), check(upload("1.0-1~deb12+mos1"), PublishTarget.parse(open)));
    }
  }

  @Test
  void refusesTrademarksAndVersionsWithoutMosExceptInHoldback() {
    assertEquals(
        List.of(
            "perestroika-hello 6.14.0-2.3ubuntu4 contains a base distro vendor's trademark"
                + " (ubuntu), which MOS versions must not; derive one with `perestroika versions"
                + " mos divergent --from 6.14.0-2.3ubuntu4 --distro-token <token>` (only -holdback"
                + " takes base distro packages as they are)",
            "perestroika-hello 6.14.0-2.3ubuntu4 does not carry the keyword 'mos' that every MOS"
                + " version carries, as in 2.1.0-1~u14.04+mos1; derive one with `perestroika"
                + " versions mos specific --upstream 6.14.0 --distro-token <token>` for a package"
                + " only MOS has, or `perestroika versions mos divergent --from <base distro"
                + " version> --distro-token <token>` (only -holdback takes base distro packages"
                + " as they are)"),
        check(upload("6.14.0-2.3ubuntu4"), PROPOSED));
    assertEquals(
        List.of(
            "perestroika-hello 1.0-1+debian1~deb12+mos1 contains a base distro vendor's trademark"
                + " (debian), which MOS versions must not; derive one with `perestroika versions"
                + " mos divergent --from 1.0-1+debian1~deb12+mos1 --distro-token <token>` (only"
                + " -holdback takes base distro packages as they are)"),
        check(upload("1.0-1+debian1~deb12+mos1"), PROPOSED));
    assertEquals(
        List.of(), check(upload("6.14.0-2.3ubuntu4"), PublishTarget.parse("mos10.0-holdback")));
  }

  @Test
  void theKeywordHintKeepsTheEpoch() {
    assertEquals(
        List.of(
            "perestroika-hello 2:1.0-1 does not carry the keyword 'mos' that every MOS version"
                + " carries, as in 2.1.0-1~u14.04+mos1; derive one with `perestroika versions mos"
                + " specific --upstream 2:1.0 --distro-token <token>` for a package only MOS has,"
                + " or `perestroika versions mos divergent --from <base distro version>"
                + " --distro-token <token>` (only -holdback takes base distro packages as they"
                + " are)"),
        check(upload("2:1.0-1"), PROPOSED));
  }

  @Test
  void refusesADivergentVersionThatIsNotBelowTheBaseDistrosOfTheSameUpstreamVersion() {
    assertEquals(
        List.of(
            "qemu 1:7.2+dfsg-7+mos1 is not lower than 1:7.2+dfsg-7, bookworm's package of the"
                + " same upstream version: a divergent package must sort below it, so that"
                + " bookworm's takes over once ours is removed; use the ~ scheme, as in"
                + " `perestroika versions mos divergent --from 1:7.2+dfsg-7 --distro-token"
                + " <token>`"),
        check(upload("qemu", "1:7.2+dfsg-7+mos1"), PROPOSED));
    assertEquals(
        List.of(
            "hello 2.10-4~deb12+mos1 is not lower than 2.10-3, bookworm's package of the same"
                + " upstream version: a divergent package must sort below it, so that bookworm's"
                + " takes over once ours is removed; use the ~ scheme, as in `perestroika"
                + " versions mos divergent --from 2.10-3 --distro-token <token>`"),
        check(upload("hello", "2.10-4~deb12+mos1"), PROPOSED));
  }

  @Test
  void allowsDivergentVersionsBelowUpstreamAndOtherUpstreamVersions() {
    // Below the base distro's; another epoch or upstream version (an upgrade); holdback.
    for (String version :
        List.of("1:7.2+dfsg-7~deb12+mos1", "7.2+dfsg-8+mos1", "1:8.0-1~deb12+mos1")) {
      assertEquals(List.of(), check(upload("qemu", version), PROPOSED), version);
    }
    assertEquals(List.of(), check(upload("hello", "2.10-3~deb12+mos1"), PROPOSED));
    assertEquals(
        List.of(), check(upload("hello", "2.10-3"), PublishTarget.parse("mos10.0-holdback")));
  }

  @Test
  void holdbackDoesNotReadTheBaseDistro() {
    BaseDistro unreadable =
        new BaseDistro() {
          @Override
          public String name() {
            return "bookworm";
          }

          @Override
          public Optional<DebianVersion> highestSourceVersion(String source) {
            throw new AssertionError("holdback must not need the base distro");
          }
        };
    VersionPolicy policy = new VersionPolicy(ReleaseProgression.natural(), Set.of(), unreadable);
    assertEquals(
        Optional.empty(), policy.upstreamVersion("hello", PublishTarget.parse("mos10.0-holdback")));
  }

  @Test
  void refusesAChangedFileUnderAPublishedName() {
    List<PolicyViolation> violations =
        POLICY.check(
            upload("1.0-1~deb12+mos1"),
            PROPOSED,
            Map.of(PROPOSED, v("1.0-1~deb12+mos1")),
            Map.of("perestroika-hello_1.0-1~deb12+mos1_amd64.deb", SHA_B),
            Optional.empty());
    assertEquals(
        List.of(
            new PolicyViolation(
                "perestroika-hello 1.0-1~deb12+mos1 is already published with different content:"
                    + " perestroika-hello_1.0-1~deb12+mos1_amd64.deb has sha256 "
                    + SHA_A
                    + " but the repository's copy has "
                    + SHA_B
                    + ": a changed package must carry a higher version (or upload the published"
                    + " file unchanged)")),
        violations);
  }

  @Test
  void listsEveryViolationAtOnce() {
    List<String> all =
        check(
            upload("hello", "2.10-3ubuntu1"),
            PublishTarget.parse("mos9.0"),
            Map.of("mos9.0-updates", "2.10-3ubuntu2"));
    List<String> starts =
        List.of(
            "mos9.0 is past GA",
            "hello 2.10-3ubuntu1 contains",
            "hello 2.10-3ubuntu1 does not carry",
            "hello 2.10-3ubuntu1 is lower than 2.10-3ubuntu2 in mos9.0-updates",
            "hello 2.10-3ubuntu1 is not lower than 2.10-3,");
    assertEquals(starts.size(), all.size(), String.join("\n", all));
    for (int i = 0; i < starts.size(); i++) {
      assertTrue(all.get(i).startsWith(starts.get(i)), all.get(i));
    }
  }
}
