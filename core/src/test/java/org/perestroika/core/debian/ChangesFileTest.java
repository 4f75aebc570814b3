package org.perestroika.core.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.perestroika.core.version.DebianVersion;

class ChangesFileTest {
  private static final String DEB_SHA = "a".repeat(64);
  private static final String DSC_SHA = "b".repeat(64);

  static final String CHANGES =
      """
      Format: 1.8
      Date: Sat, 21 Nov 2026 12:00:00 +0000
      Source: perestroika-hello
      Binary: perestroika-hello
      Architecture: source amd64
      Version: 1.0-1~deb12+mos1
      Distribution: bookworm
      Urgency: medium
      Maintainer: Perestroika Build Farm <builds@perestroika.invalid>
      Description:
       perestroika-hello - greeting program
      Changes:
       perestroika-hello (1.0-1~deb12+mos1) bookworm; urgency=medium
       .
         * Initial release.
      Checksums-Sha1:
       0000000000000000000000000000000000000000 1200 perestroika-hello_1.0-1~deb12+mos1.dsc
      Checksums-Sha256:
       %s 1200 perestroika-hello_1.0-1~deb12+mos1.dsc
       %s 3000 perestroika-hello_1.0-1~deb12+mos1_amd64.deb
      Files:
       00000000000000000000000000000000 1200 misc optional perestroika-hello_1.0-1~deb12+mos1.dsc
       00000000000000000000000000000000 3000 misc optional perestroika-hello_1.0-1~deb12+mos1_amd64.deb
      """
          .formatted(DSC_SHA, DEB_SHA);

  @Test
  void readsTheUpload(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("perestroika-hello_1.0-1~deb12+mos1_amd64.changes");
    Files.writeString(file, CHANGES);
    ChangesFile changes = ChangesFile.read(file);
    assertEquals("perestroika-hello", changes.source());
    assertEquals(DebianVersion.parse("1.0-1~deb12+mos1"), changes.version());
    assertEquals("bookworm", changes.distribution());
    assertEquals(List.of("source", "amd64"), changes.architectures());
    assertEquals(
        List.of(
            new ChangesFile.Entry("perestroika-hello_1.0-1~deb12+mos1.dsc", 1200, DSC_SHA),
            new ChangesFile.Entry("perestroika-hello_1.0-1~deb12+mos1_amd64.deb", 3000, DEB_SHA)),
        changes.files());
    assertEquals(
        List.of(
            "perestroika-hello_1.0-1~deb12+mos1.dsc",
            "perestroika-hello_1.0-1~deb12+mos1_amd64.deb"),
        changes.fileNames());
  }

  @Test
  void readsASignedUploadAndABinNmuSource() {
    String signed =
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            + CHANGES
                .replace("Source: perestroika-hello", "Source: perestroika-hello (1.0-1)")
                .replace(DSC_SHA, DSC_SHA.toUpperCase(java.util.Locale.ROOT))
            + "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n";
    ChangesFile changes = ChangesFile.parse(signed, "signed.changes");
    assertEquals("perestroika-hello", changes.source());
    assertEquals(DSC_SHA, changes.files().get(0).sha256());
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Version: 1.0-1~deb12+mos1 | X-Gone: 1 | 1 | required field 'Version' is missing",
        "Version: 1.0-1~deb12+mos1 | Version: x1.0 | 6 | must start with a digit",
        "Source: perestroika-hello | Source: Hello | 3 | Source 'Hello' is not a valid package",
        "Distribution: bookworm | Distribution: | 7 | field 'Distribution' is empty",
        "Architecture: source amd64 | X-Gone: 1 | 1 | required field 'Architecture' is missing",
        "Checksums-Sha256: | Checksums-Sha: | 1 | required field 'Checksums-Sha256' is missing",
        "Files: | Filez: | 1 | required field 'Files' is missing",
        " %DSC% 1200 | ' %DSC% 12k0' | 19 | size '12k0' is not a number of bytes",
        " %DSC% 1200 | ' nothex 1200' | 19 | 'nothex' is not a SHA-256 checksum",
        " %DSC% 1200 | ' %DSC%' | 19 | Checksums-Sha256 line must be 'sha256 size name'",
        "3000 misc optional | 3001 misc optional | 23 | has size 3001 in Files but 3000",
        "misc optional perestroika-hello_1.0-1~deb12+mos1_amd64.deb | misc optional other.deb"
            + " | 23 | other.deb is listed in Files but missing from Checksums-Sha256",
      })
  void namesTheLineAndTheProblem(String from, String to, int line, String problem) {
    String text = CHANGES.replace(from.replace("%DSC%", DSC_SHA), to.replace("%DSC%", DSC_SHA));
    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class, () -> ChangesFile.parse(text, "u.changes"));
    assertTrue(e.getMessage().startsWith("u.changes:" + line + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void checksummedFileMissingFromFilesIsAnError() {
    String text =
        CHANGES.replace(
            " 00000000000000000000000000000000 1200 misc optional"
                + " perestroika-hello_1.0-1~deb12+mos1.dsc\n",
            "");
    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class, () -> ChangesFile.parse(text, "u.changes"));
    assertEquals(
        "u.changes:21: perestroika-hello_1.0-1~deb12+mos1.dsc is listed in Checksums-Sha256 but"
            + " missing from Files",
        e.getMessage());
  }

  @Test
  void moreThanOneParagraphIsAnError() {
    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class,
            () -> ChangesFile.parse(CHANGES + "\nExtra: 1\n", "u.changes"));
    assertTrue(e.getMessage().contains("exactly one paragraph, this one has 2"), e.getMessage());
  }

  @Test
  void unreadableFileIsAnIoError(@TempDir Path dir) {
    assertThrows(UncheckedIOException.class, () -> ChangesFile.read(dir.resolve("none.changes")));
  }

  @Test
  void entryIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new ChangesFile.Entry("a b", 1, DEB_SHA));
    assertThrows(IllegalArgumentException.class, () -> new ChangesFile.Entry("a", -1, DEB_SHA));
    assertThrows(IllegalArgumentException.class, () -> new ChangesFile.Entry("a", 1, "abc"));
  }
}
