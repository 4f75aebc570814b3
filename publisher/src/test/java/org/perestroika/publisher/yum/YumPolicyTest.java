package org.perestroika.publisher.yum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.model.Suite;
import org.perestroika.core.version.RpmVersion;
import org.perestroika.publisher.policy.PolicyViolation;

class YumPolicyTest {
  private static final Release MOS70 = new Release("mos7.0");
  private static final Release MOS71 = new Release("mos7.1");
  private static final YumPolicy POLICY =
      new YumPolicy(ReleaseProgression.natural(), Set.of(MOS70));

  @Test
  void aMosUploadAboveWhatIsHeldPasses() {
    assertEquals(
        List.of(),
        check(
            "1.0-2.el7~mos1",
            new PublishTarget(MOS70, Suite.UPDATES),
            Map.of(new PublishTarget(MOS70, Suite.UPDATES), RpmVersion.parse("1.0-1.el7~mos3"))));
  }

  @Test
  void versionsNeverGoDownByRpmOrdering() {
    // ~ sorts before the end: the ~mos2 build of 1.el7 is lower than 1.el7 itself.
    List<PolicyViolation> violations =
        check(
            "1.0-1.el7~mos2",
            new PublishTarget(MOS71, Suite.PROPOSED),
            Map.of(new PublishTarget(MOS70, Suite.UPDATES), RpmVersion.parse("1.0-1.el7")));

    assertEquals(1, violations.size(), violations.toString());
    assertTrue(
        violations.get(0).message().contains("is lower than 1.0-1.el7 in mos7.0-updates"),
        violations.toString());
  }

  @Test
  void theOsRepositoryOfAReleasePastGaIsFrozen() {
    List<PolicyViolation> violations =
        check("1.0-1.el7~mos1", new PublishTarget(MOS70, Suite.BASE), Map.of());

    assertEquals(1, violations.size(), violations.toString());
    assertTrue(violations.get(0).message().contains("mos7.0 is past GA"), violations.toString());
  }

  @Test
  void aReleaseWithoutMosOrWithATrademarkIsRefusedExceptInHoldback() {
    PublishTarget proposed = new PublishTarget(MOS71, Suite.PROPOSED);
    assertEquals(1, check("1.0-1.el7", proposed, Map.of()).size());
    assertEquals(1, check("1.0-1.ubuntu~mos1", proposed, Map.of()).size());
    assertEquals(List.of(), check("1.0-1.el7", new PublishTarget(MOS71, Suite.HOLDBACK), Map.of()));
  }

  @Test
  void aPublishedNameWithOtherContentIsRefused() {
    List<PolicyViolation> violations =
        POLICY.check(
            "tool",
            RpmVersion.parse("1.0-1.el7~mos1"),
            new PublishTarget(MOS71, Suite.PROPOSED),
            Map.of(),
            List.of("tool-1.0-1.el7~mos1.noarch.rpm"));

    assertEquals(1, violations.size());
    assertTrue(violations.get(0).message().contains("already published with different content"));
  }

  @Test
  void earlierReleasesBoundByTheirReleasedSuites() {
    assertEquals(
        List.of(
            new PublishTarget(MOS71, Suite.BASE),
            new PublishTarget(MOS71, Suite.PROPOSED),
            new PublishTarget(MOS71, Suite.UPDATES),
            new PublishTarget(MOS71, Suite.SECURITY),
            new PublishTarget(MOS71, Suite.HOLDBACK),
            new PublishTarget(MOS71, Suite.HOTFIX),
            new PublishTarget(MOS70, Suite.BASE),
            new PublishTarget(MOS70, Suite.UPDATES),
            new PublishTarget(MOS70, Suite.SECURITY)),
        POLICY.boundingSuites(new PublishTarget(MOS71, Suite.PROPOSED), List.of(MOS70, MOS71)));
  }

  private static List<PolicyViolation> check(
      String version, PublishTarget target, Map<PublishTarget, RpmVersion> held) {
    return POLICY.check("tool", RpmVersion.parse(version), target, held, List.of());
  }
}
