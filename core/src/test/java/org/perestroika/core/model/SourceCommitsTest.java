package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SourceCommitsTest {
  private static final String CODE = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  private static final String SPEC = "8bf699819c9d30e2d34e14e76917f94daea4c67f";

  @Test
  void fullCommitIdsAreKeptInLowerCase() {
    SourceCommits commits = new SourceCommits(CODE.toUpperCase(), " " + SPEC + "\n");
    assertEquals(new SourceCommits(CODE, SPEC), commits);
    assertEquals(CODE, commits.source());
    assertEquals(SPEC, commits.build());
    assertEquals(new SourceCommits(CODE, CODE), SourceCommits.same(CODE));
    assertTrue(SourceCommits.isCommitId("ab".repeat(32)));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "17f8fb6d",
        "HEAD",
        "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36",
        "gggggggggggggggggggggggggggggggggggggggg"
      })
  void abbreviatedOrOtherNamesAreRefused(String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SourceCommits(CODE, value));
    assertEquals(
        "build commit '"
            + value
            + "' is not a full commit id: give all 40 hex digits (64 in a SHA-256 repository),"
            + " as `git rev-parse HEAD` prints them",
        e.getMessage());
    assertFalse(SourceCommits.isCommitId(value));
  }
}
