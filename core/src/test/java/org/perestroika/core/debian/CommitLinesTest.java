package org.perestroika.core.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.SourceCommits;

class CommitLinesTest {
  private static final String CODE = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  private static final String SPEC = "8bf699819c9d30e2d34e14e76917f94daea4c67f";
  private static final SourceCommits COMMITS = new SourceCommits(CODE, SPEC);
  private static final String HEADER = "keystone (2014.2.3-1~u14.04+mos1) mos6.1; urgency=low\n";
  private static final String TRAILER =
      " -- Mirantis OpenStack Team <mos@mirantis.com>  Sat, 21 Mar 2015 15:08:01 -0700\n";
  private static final String OLDER =
      "\nkeystone (2014.2.2-1) mos6.0; urgency=low\n\n  * Older.\n\n" + TRAILER;

  @Test
  void bothLinesGoAtTheEndOfTheTopEntryOnly() {
    String changelog = HEADER + "\n  * Fix a bug.\n    Continued.\n\n" + TRAILER + OLDER;

    assertEquals(
        HEADER
            + "\n  * Fix a bug.\n    Continued.\n"
            + "  * Source commit: "
            + CODE
            + "\n  * Build commit: "
            + SPEC
            + "\n\n"
            + TRAILER
            + OLDER,
        CommitLines.addTo(changelog, COMMITS, "debian/changelog"));
  }

  @Test
  void anEmptyEntryGetsABodyOfTheTwoLines() {
    assertEquals(
        HEADER + "\n  * Source commit: " + CODE + "\n  * Build commit: " + SPEC + "\n\n" + TRAILER,
        CommitLines.addTo(HEADER + TRAILER, COMMITS, "debian/changelog"));
  }

  @Test
  void linesAlreadyThereWithTheSameCommitsAreKept() {
    String both =
        HEADER + "\n * Source commit: " + CODE + "\n * Build commit: " + SPEC + "\n\n" + TRAILER;
    assertSame(both, CommitLines.addTo(both, COMMITS, "debian/changelog"));

    String one = HEADER + "\n  * Source commit: " + CODE + "\n\n" + TRAILER;
    assertEquals(
        HEADER + "\n  * Source commit: " + CODE + "\n  * Build commit: " + SPEC + "\n\n" + TRAILER,
        CommitLines.addTo(one, COMMITS, "debian/changelog"));
  }

  @Test
  void aLineNamingAnotherCommitIsAnError() {
    String other = "0".repeat(40);
    String changelog = HEADER + "\n  * Build commit: " + other + "\n\n" + TRAILER;

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () -> CommitLines.addTo(changelog, COMMITS, "debian/changelog"));

    assertEquals(
        "debian/changelog:3: the top entry says '* Build commit: "
            + other
            + "' but this build's build commit is "
            + SPEC
            + ": remove the line (the build adds it) or build the commit it names",
        e.getMessage());
  }

  @Test
  void anEntryWithoutTrailerIsMalformed() {
    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class,
            () -> CommitLines.addTo(HEADER + "\n  * No end.\n", COMMITS, "debian/changelog"));
    assertTrue(e.getMessage().startsWith("debian/changelog:1: the top entry has no trailer"));
  }

  @Test
  void readsTheFirstLineOfEachLabel() {
    assertEquals(
        Map.of(CommitLines.SOURCE, CODE, CommitLines.BUILD, "not-checked"),
        CommitLines.read(
            List.of(
                "  * Something.",
                "  * Source commit: " + CODE,
                "Build commit: not-checked",
                "  * Source commit: ignored")));
    assertEquals(Map.of(), CommitLines.read(List.of("  * Source commits: x", "  * Source: x")));
  }
}
