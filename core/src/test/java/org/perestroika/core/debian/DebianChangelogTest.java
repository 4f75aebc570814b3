package org.perestroika.core.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.perestroika.core.version.DebianVersion;

class DebianChangelogTest {

  @Test
  void readsTheTopEntry(@TempDir Path tree) throws IOException {
    Path changelog = tree.resolve("debian/changelog");
    Files.createDirectories(changelog.getParent());
    Files.writeString(
        changelog,
        """
        keystone (2014.2.3-1~u14.04+mos1) mos6.1; urgency=low

         * Source commit: 17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b

         -- Mirantis OpenStack Team <mos@mirantis.com>  Sat, 21 Mar 2015 15:08:01 -0700

        keystone (2014.2.2-1~u14.04+mos1) mos6.1; urgency=low

         * Older.

         -- Mirantis OpenStack Team <mos@mirantis.com>  Sat, 21 Feb 2015 15:08:01 -0700
        """);
    assertEquals(
        new ChangelogEntry(
            "keystone", DebianVersion.parse("2014.2.3-1~u14.04+mos1"), "mos6.1", "low"),
        DebianChangelog.readTopEntry(changelog));
  }

  @Test
  void readsTheExamplePackage() {
    Path changelog = Path.of("../examples/hello/debian/changelog");
    ChangelogEntry entry = DebianChangelog.readTopEntry(changelog);
    assertEquals("perestroika-hello", entry.source());
    assertEquals("1.0-1~deb12+mos1", entry.version().toString());
    assertEquals("mos10.0", entry.distribution());
    assertEquals("medium", entry.urgency());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'hello (1:2.0-1) unstable experimental; urgency=high, binary-only=yes' | hello | 1:2.0-1"
            + " | unstable experimental | high",
        "'\\n\\nhello (1.0) UNRELEASED;urgency=medium (HIGH for bug fixes)' | hello | 1.0"
            + " | UNRELEASED | medium (HIGH for bug fixes)",
        "'lib-x.y+z (0.1-2)  bookworm-backports ;  Urgency=emergency' | lib-x.y+z | 0.1-2"
            + " | bookworm-backports | emergency",
      })
  void parsesHeaderVariants(
      String text, String source, String version, String distribution, String urgency) {
    ChangelogEntry entry = DebianChangelog.parseTopEntry(text.replace("\\n", "\n"), "changelog");
    assertEquals(
        new ChangelogEntry(source, DebianVersion.parse(version), distribution, urgency), entry);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'hello 1.0-1 unstable; urgency=low' | 1 | is not a changelog entry header",
        "'\\nhello (1.0-1); urgency=low' | 2 | is not a changelog entry header",
        "'hello (1.0-1) unstable urgency=low' | 1 | is not a changelog entry header",
        "'hello (1.0-1) unstable;' | 1 | has no urgency",
        "'Hello (1.0-1) unstable; urgency=low' | 1 | 'Hello' is not a valid source package name",
        "'hello (a1.0-1) unstable; urgency=low' | 1 | must start with a digit",
        "'  \\n' | 0 | the changelog is empty",
      })
  void namesTheLineAndTheExpectedForm(String text, int line, String problem) {
    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class,
            () -> DebianChangelog.parseTopEntry(text.replace("\\n", "\n"), "debian/changelog"));
    assertEquals(line, e.line());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    if (!problem.contains("must start with a digit") && !problem.contains("valid source")) {
      assertTrue(
          e.getMessage().contains("`package (version) distribution; urgency=low`"), e.getMessage());
    }
  }

  @Test
  void missingChangelogNamesTheSourceTree(@TempDir Path tree) {
    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class,
            () -> DebianChangelog.readTopEntry(tree.resolve("debian/changelog")));
    assertEquals(
        "no debian/changelog in "
            + tree.toAbsolutePath()
            + ": a source tree needs debian/changelog (dch --create makes one)",
        e.getMessage());
  }
}
