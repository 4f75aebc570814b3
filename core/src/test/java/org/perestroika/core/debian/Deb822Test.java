package org.perestroika.core.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Deb822Test {

  @Test
  void readsParagraphsFieldsAndContinuations() {
    String text =
        """
        Source: hello
        Section: misc

        Package: hello
        Architecture: any
        Description: greeting program
         A longer description
         .
           indented verbatim
        """;
    List<Deb822.Paragraph> paragraphs = Deb822.parse(text, "control");
    assertEquals(2, paragraphs.size());
    assertEquals(1, paragraphs.get(0).line());
    assertEquals(4, paragraphs.get(1).line());
    assertEquals(Optional.of("hello"), paragraphs.get(0).value("Source"));
    Deb822.Paragraph binary = paragraphs.get(1);
    assertEquals(
        "greeting program\nA longer description\n.\n  indented verbatim",
        binary.require("Description"));
    assertEquals(6, binary.field("description").orElseThrow().line());
    assertEquals(
        List.of(
            new Deb822.Line(7, "A longer description"),
            new Deb822.Line(8, "."),
            new Deb822.Line(9, "indented verbatim")),
        binary.lines("Description"));
  }

  @Test
  void fieldNamesAreCaseInsensitiveAndKeepTheirSpelling() {
    Deb822.Paragraph paragraph = Deb822.parse("Checksums-SHA256: x\n", "f").get(0);
    assertEquals(Optional.of("x"), paragraph.value("checksums-sha256"));
    assertEquals("Checksums-SHA256", paragraph.field("CHECKSUMS-sha256").orElseThrow().name());
    assertEquals(Optional.empty(), paragraph.value("Files"));
    assertEquals(List.of(), paragraph.lines("Files"));
  }

  @Test
  void whitespaceOnlyLinesCrLfAndCommentsAreTolerated() {
    String text = "# a comment\r\nA: 1\r\n \t \r\nB: 2\r\n#c\r\nC:  3  \r\n\r\n\r\n";
    List<Deb822.Paragraph> paragraphs = Deb822.parse(text, "f");
    assertEquals(2, paragraphs.size());
    assertEquals(Optional.of("1"), paragraphs.get(0).value("A"));
    assertEquals(Optional.of("3"), paragraphs.get(1).value("C"));
    assertEquals(4, paragraphs.get(1).line());
  }

  @Test
  void emptyTextHasNoParagraphs() {
    assertEquals(List.of(), Deb822.parse("", "f"));
    assertEquals(List.of(), Deb822.parse("\n\n  \n", "f"));
  }

  @Test
  void stripsTheClearSignatureAndKeepsLineNumbers() {
    String text =
        """
        -----BEGIN PGP SIGNED MESSAGE-----
        Hash: SHA512

        - Format: 1.8
        Binary: hello
        Source: hello
        -----BEGIN PGP SIGNATURE-----

        iQIzBAEBCgAdFiEE
        =abcd
        -----END PGP SIGNATURE-----
        """;
    List<Deb822.Paragraph> paragraphs = Deb822.parse(text, "hello.changes");
    assertEquals(1, paragraphs.size());
    Deb822.Paragraph paragraph = paragraphs.get(0);
    assertEquals(4, paragraph.line());
    assertEquals(Optional.of("hello"), paragraph.value("Source"));
    assertEquals(Optional.of("1.8"), paragraph.value("Format"));
    assertEquals(6, paragraph.field("Source").orElseThrow().line());
    MalformedControlFileException e =
        assertThrows(
            MalformedControlFileException.class,
            () -> Deb822.parse(text.replace("Source: hello", "stray"), "hello.changes"));
    assertEquals("hello.changes:6: expected 'Field: value' but found 'stray'", e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "' continued\\nA: 1' | 1 | continuation line (starting with whitespace) outside any field",
        "'A: 1\\nno colon here' | 2 | expected 'Field: value' but found 'no colon here'",
        "'A: 1\\n: value' | 2 | field name missing before ':'",
        "'A: 1\\nB: 2\\na: 3' | 3 | field 'a' appears twice in one paragraph (first on line 1)",
        "'A: 1\\n-B: 2' | 2 | field name '-B' must not start with '-'",
        "'A: 1\\nB\u00e9: 2' | 2 | may hold only printable ASCII",
        "'-----BEGIN PGP SIGNED MESSAGE-----\\nHash: SHA512' | 1 | has no empty line after",
        "'-----BEGIN PGP SIGNED MESSAGE-----\\n\\nA: 1\\n' | 1 | has no -----BEGIN PGP SIGNATURE-----",
        "'-----BEGIN PGP SIGNED MESSAGE-----\\n\\nA: 1\\n-----BEGIN PGP SIGNATURE-----\\nxx' | 4"
            + " | signature block has no -----END PGP SIGNATURE----- line",
        "'-----BEGIN PGP SIGNED MESSAGE-----\\n\\nA: 1\\n-----BEGIN PGP SIGNATURE-----\\n"
            + "-----END PGP SIGNATURE-----\\nB: 2' | 6 | text after the end of the signature",
        "'-----BEGIN PGP SIGNED MESSAGE-----\\n\\nA: 1\\n-B: 2\\n' | 4 | is not dash-escaped",
      })
  void reportsFileLineAndProblem(String escaped, int line, String problem) {
    String text = escaped.replace("\\n", "\n");
    MalformedControlFileException e =
        assertThrows(MalformedControlFileException.class, () -> Deb822.parse(text, "x.dsc"));
    assertEquals("x.dsc", e.sourceName());
    assertEquals(line, e.line());
    assertTrue(e.getMessage().startsWith("x.dsc:" + line + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void requireNamesTheMissingOrEmptyField() {
    Deb822.Paragraph paragraph = Deb822.parse("\nA: 1\nB:\n", "f.changes").get(0);
    MalformedControlFileException missing =
        assertThrows(MalformedControlFileException.class, () -> paragraph.require("Version"));
    assertEquals("f.changes:2: required field 'Version' is missing", missing.getMessage());
    MalformedControlFileException empty =
        assertThrows(MalformedControlFileException.class, () -> paragraph.require("B"));
    assertEquals("f.changes:3: field 'B' is empty", empty.getMessage());
  }
}
