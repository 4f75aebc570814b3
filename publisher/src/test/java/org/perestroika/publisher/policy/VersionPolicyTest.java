package org.perestroika.publisher.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.version.DebianVersion;

class VersionPolicyTest {
  private static final String SHA_A = "a".repeat(64);
  private static final String SHA_B = "b".repeat(64);

  private static ChangesFile upload(String version) {
    return new ChangesFile(
        "perestroika-hello",
        DebianVersion.parse(version),
        "bookworm",
        List.of("amd64"),
        List.of(new ChangesFile.Entry("perestroika-hello_" + version + "_amd64.deb", 10, SHA_A)));
  }

  @Test
  void allowsNewAndHigherVersionsAndTheSameContentAgain() {
    assertEquals(
        List.of(),
        VersionPolicy.check(upload("1.0-1"), "mos10.0-proposed", Optional.empty(), Map.of()));
    assertEquals(
        List.of(),
        VersionPolicy.check(
            upload("1.0-1~u14.04+mos1+mos6.1+1"),
            "mos6.1-updates",
            Optional.of(DebianVersion.parse("1.0-1~u14.04+mos1")),
            Map.of()));
    assertEquals(
        List.of(),
        VersionPolicy.check(
            upload("1.0-2"),
            "mos10.0-proposed",
            Optional.of(DebianVersion.parse("1.0-2")),
            Map.of("perestroika-hello_1.0-2_amd64.deb", SHA_A)));
  }

  @Test
  void refusesADowngradeNamingBothVersions() {
    assertEquals(
        List.of(
            new PolicyViolation(
                "perestroika-hello 1.0-1 is lower than 1.0-2 already in mos10.0-proposed: a new"
                    + " upload must carry a higher version")),
        VersionPolicy.check(
            upload("1.0-1"),
            "mos10.0-proposed",
            Optional.of(DebianVersion.parse("1.0-2")),
            Map.of()));
  }

  @Test
  void refusesAChangedFileUnderAPublishedName() {
    List<PolicyViolation> violations =
        VersionPolicy.check(
            upload("1.0-1"),
            "mos10.0-proposed",
            Optional.of(DebianVersion.parse("1.0-1")),
            Map.of("perestroika-hello_1.0-1_amd64.deb", SHA_B));
    assertEquals(
        List.of(
            new PolicyViolation(
                "perestroika-hello 1.0-1 is already published with different content:"
                    + " perestroika-hello_1.0-1_amd64.deb has sha256 "
                    + SHA_A
                    + " but the repository's copy has "
                    + SHA_B
                    + ": a changed package must carry a higher version (or upload the published"
                    + " file unchanged)")),
        violations);
  }
}
