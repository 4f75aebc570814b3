package org.perestroika.publisher.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.model.Suite;
import org.perestroika.core.version.DebianVersion;

class ChangelogPolicyTest {
  private static final String CODE = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  private static final String SPEC = "8bf699819c9d30e2d34e14e76917f94daea4c67f";
  private static final ChangesFile UPLOAD =
      new ChangesFile(
          "keystone",
          DebianVersion.parse("2014.2.3-1~u14.04+mos2"),
          "bookworm",
          List.of("amd64"),
          List.of(
              new ChangesFile.Entry("keystone_2014.2.3-1~u14.04+mos2_all.deb", 1, "a".repeat(64))));
  private static final String OLDER_ENTRY =
      "keystone (2014.2.3-1~u14.04+mos1) mos6.1; urgency=low\n"
          + ".\n"
          + "  * Source commit: "
          + CODE
          + "\n  * Build commit: "
          + SPEC
          + "\n";

  /** A Changes field value as Deb822 returns it: an empty first line, then the entries. */
  private static String changes(String... body) {
    return "\nkeystone (2014.2.3-1~u14.04+mos2) mos6.1; urgency=low\n.\n"
        + String.join("\n", body)
        + "\n.\n"
        + OLDER_ENTRY;
  }

  @Test
  void anEntryNamingBothCommitsPasses() {
    assertEquals(
        List.of(),
        ChangelogPolicy.check(
            UPLOAD,
            changes("  * Fix.", "  * Source commit: " + CODE, "  * Build commit: " + SPEC),
            Suite.PROPOSED));
  }

  @Test
  void eachMissingLineIsNamedWithWhatAddsIt() {
    assertEquals(
        List.of(
            new PolicyViolation(
                "keystone 2014.2.3-1~u14.04+mos2: its changelog entry has no 'Build commit:'"
                    + " line; MOS packages name the commits they were built from, and"
                    + " `perestroika build` adds the 'Source commit:' and 'Build commit:' lines")),
        ChangelogPolicy.check(
            UPLOAD, changes("  * Fix.", "  * Source commit: " + CODE), Suite.UPDATES));
    // The older entry's lines do not count for the uploaded version.
    assertEquals(2, ChangelogPolicy.check(UPLOAD, changes("  * Fix."), Suite.BASE).size());
  }

  @Test
  void anAbbreviatedCommitIsNotEnough() {
    assertEquals(
        List.of(
            new PolicyViolation(
                "keystone 2014.2.3-1~u14.04+mos2: its changelog entry's 'Source commit: 17f8fb6d'"
                    + " is not a full commit id; `perestroika build` writes the whole id")),
        ChangelogPolicy.check(
            UPLOAD,
            changes("  * Source commit: 17f8fb6d", "  * Build commit: " + SPEC),
            Suite.SECURITY));
  }

  @Test
  void anUploadWithoutAnEntryForItsVersionIsRefused() {
    assertEquals(
        List.of(
            new PolicyViolation(
                "keystone 2014.2.3-1~u14.04+mos2: the .changes has no changelog entry for"
                    + " 2014.2.3-1~u14.04+mos2 in its Changes field, so nothing names the commits"
                    + " it was built from; build it with `perestroika build`, which adds them")),
        ChangelogPolicy.check(UPLOAD, "\n" + OLDER_ENTRY, Suite.PROPOSED));
    assertEquals(1, ChangelogPolicy.check(UPLOAD, "", Suite.PROPOSED).size());
  }

  @Test
  void theHoldbackSuiteTakesUpstreamPackagesWithoutThem() {
    assertEquals(List.of(), ChangelogPolicy.check(UPLOAD, "", Suite.HOLDBACK));
  }
}
