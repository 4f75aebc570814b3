package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.SourceCommits;

class SourceSpecTest {
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @Test
  void aSplitPairCarriesBothCommitsAndTheirRefs() {
    SourceSpec spec =
        SourceSpec.split("acme/openstack/nova", COMMIT, "acme/openstack-build/nova", COMMIT)
            .withCodeRef("refs/changes/34/1234/2")
            .withSpecRef("refs/heads/master");

    assertTrue(spec.isSplit());
    assertEquals(Optional.of("refs/changes/34/1234/2"), spec.codeRef());
    assertEquals(Optional.of("refs/heads/master"), spec.specRef());
  }

  @Test
  void theChangelogNamesTheCodeAsSourceAndTheSpecAsBuild() {
    String spec = "fedcba9876543210fedcba9876543210fedcba98";
    assertEquals(
        new SourceCommits(COMMIT, spec),
        SourceSpec.split("acme/openstack/nova", COMMIT, "acme/openstack-build/nova", spec)
            .commits());
    assertEquals(
        SourceCommits.same(COMMIT),
        SourceSpec.combined("acme/packages/fuel/bookworm/nova", COMMIT).commits());
  }

  @Test
  void commitIdsAreFullAndLowerCase() {
    assertEquals(
        COMMIT,
        SourceSpec.combined("acme/packages/fuel/bookworm/nova", COMMIT.toUpperCase()).codeCommit());
    assertThrows(
        IllegalArgumentException.class, () -> SourceSpec.combined("acme/x", COMMIT.substring(8)));
    assertThrows(IllegalArgumentException.class, () -> SourceSpec.combined("acme/x", "HEAD"));
  }

  @Test
  void projectNamesCannotClimbOutOfTheCache() {
    for (String project : new String[] {"../etc", "acme/../x", "/acme/x", "acme//x", ".hidden"}) {
      assertThrows(
          IllegalArgumentException.class, () -> SourceSpec.combined(project, COMMIT), project);
    }
  }

  @Test
  void refsAreRefs() {
    SourceSpec spec = SourceSpec.combined("acme/x", COMMIT);
    for (String ref : new String[] {"master", "refs/../x", "refs/heads/x.lock", "-refs/x"}) {
      assertThrows(IllegalArgumentException.class, () -> spec.withCodeRef(ref), ref);
    }
  }

  @Test
  void aSpecProjectNeedsItsCommitAndARefNeedsItsProject() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SourceSpec(
                "acme/x",
                COMMIT,
                Optional.empty(),
                Optional.of("acme/y"),
                Optional.empty(),
                Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> SourceSpec.combined("acme/x", COMMIT).withSpecRef("refs/heads/master"));
    assertFalse(SourceSpec.combined("acme/x", COMMIT).isSplit());
  }
}
