package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.perestroika.core.debian.InvalidSourceException;

/** Name, Version and Source0 read from a spec's text, and the macros refused there. */
class SpecPreambleTest {
  private static final String WHERE = "acme/openstack-build/nova at 2222";
  private static final String PATH = "rpm/SPECS/nova.spec";
  private static final String REST =
      "Summary: Compute\nLicense: ASL 2.0\n\n%description\nNova.\n\n%prep\n%setup -q\n";

  @Test
  void plainTagsAreReadAsTheyStand() {
    SpecPreamble preamble =
        read(
            "# The compute service.\nName:           nova\nVersion:        2024.1.0\n"
                + "Release:        1%{?dist}~mos1\n"
                + "Source0:        https://tarballs.example.com/nova/nova-2024.1.0.tar.gz\n"
                + "Source1:        nova.conf\n"
                + REST);

    assertEquals("nova", preamble.name());
    assertEquals("2024.1.0", preamble.version());
    assertEquals(
        Optional.of("https://tarballs.example.com/nova/nova-2024.1.0.tar.gz"), preamble.source0());
    assertEquals(Optional.of("nova-2024.1.0.tar.gz"), preamble.source0File());
  }

  @Test
  void tagsAreCaseInsensitiveAndMayHaveSpaceBeforeTheColon() {
    SpecPreamble preamble = read("NAME: nova\nversion : 1.0\nSOURCE 0 :nova.tgz\n" + REST);

    assertEquals(List.of("nova", "1.0"), List.of(preamble.name(), preamble.version()));
    assertEquals(Optional.of("nova.tgz"), preamble.source0File());
  }

  @Test
  void globalChainsAndTheTagMacrosExpand() {
    SpecPreamble preamble =
        read(
            "%global pypi_name nova\n%global srcname %{pypi_name}\n%define pkg python-%srcname\n"
                + "Name: %{pkg}\nVersion: 2024.1.0\nRelease: 2%{?dist}\n"
                + "Source0: https://pypi.example.com/%{pypi_name}/%{srcname}-%{version}-%release"
                + ".tar.gz\n"
                + REST);

    assertEquals("python-nova", preamble.name());
    assertEquals(
        Optional.of("https://pypi.example.com/nova/nova-2024.1.0-2.tar.gz"), preamble.source0());
  }

  @Test
  void aGlobalIsExpandedWhereItStandsAndADefineWhereItIsUsedAsRpmDoes() {
    // rpmspec -P gives https://x/foo-L-bar-bar.tar.gz for this spec.
    SpecPreamble preamble =
        read(
            "%global srcname foo\n%global nv %{srcname}-%{later}\n%define lazy %{srcname}\n"
                + "%global srcname bar\n%global later L\nName: %{srcname}\nVersion: 1.0\n"
                + "Source: https://x/%{nv}-%{lazy}-%{name}.tar.gz\n"
                + REST);

    assertEquals(Optional.of("foo-L-bar-bar.tar.gz"), preamble.source0File());
  }

  @Test
  void anUndefinedConditionalMacroSuchAsDistIsEmpty() {
    SpecPreamble preamble =
        read("Name: nova%{?flavour}\nVersion: 1.0%{?dist}\nSource0: %{name}-%{version}.tgz\n");

    assertEquals("nova", preamble.name());
    assertEquals("1.0", preamble.version());
    assertEquals(Optional.of("nova-1.0.tgz"), preamble.source0());
  }

  @Test
  void aDefaultOnlyDefinesAMacroTheSpecDoesNotDefineAlready() {
    String tags = "Name: nova\nVersion: 2024.1.0\nSource0: nova-%{upstream_version}.tar.gz\n";
    String rdo = "%{!?upstream_version: %global upstream_version %{version}%{?milestone}}\n";

    assertEquals(Optional.of("nova-2024.1.0.tar.gz"), read(rdo + tags).source0());
    assertEquals(
        Optional.of("nova-2024.1.0.0rc1.tar.gz"),
        read("%global milestone .0rc1\n" + rdo + tags).source0());
    assertEquals(
        Optional.of("nova-9.tar.gz"), read("%global upstream_version 9\n" + rdo + tags).source0());
  }

  @ParameterizedTest
  @CsvSource({
    "https://github.com/acme/nova/archive/v1.0.tar.gz#/nova-1.0.tar.gz, nova-1.0.tar.gz",
    "ftp://ftp.example.com/pub/nova-1.0.tar.xz, nova-1.0.tar.xz",
    "nova-1.0.tar.bz2, nova-1.0.tar.bz2",
    "https://example.com/nova/, ''"
  })
  void aSource0UrlsFileIsItsLastPart(String source0, String file) {
    SpecPreamble preamble = read("Name: nova\nVersion: 1.0\nSource0: " + source0 + "\n");

    assertEquals(Optional.of(file).filter(f -> !f.isEmpty()), preamble.source0File());
  }

  @Test
  void sourceWithoutANumberIsSource0WhenItComesFirst() {
    String tags = "Name: nova\nVersion: 1.0\n";

    assertEquals(Optional.of("a.tgz"), read(tags + "Source: a.tgz\nSource: b.tgz\n").source0());
    assertEquals(Optional.of("a.tgz"), read(tags + "Source0: a.tgz\nSource: b.tgz\n").source0());
    // rpm numbers it 2: there is no Source0.
    assertEquals(Optional.empty(), read(tags + "Source1: a.tgz\nSource: b.tgz\n").source0());
    assertEquals(Optional.empty(), read(tags + "Patch0: fix.patch\n" + REST).source0());
    assertEquals(Optional.of("00.tgz"), read(tags + "Source00: 00.tgz\n").source0());
  }

  @Test
  void aSubpackagesSourceCountsAndTheSectionsTextIsNoTag() {
    SpecPreamble preamble =
        read(
            "Name: nova\nVersion: 1.0\n%description\nName: not a tag\nSource9: no\n"
                + "%package common\nSummary: Common\nSource: common.tgz\n%description common\n"
                + "Version: 2.0\n%changelog\n* Mon Jan 1 2024 A <a@b> - 1.0-1\n- Source0: no\n");

    assertEquals(List.of("nova", "1.0"), List.of(preamble.name(), preamble.version()));
    assertEquals(Optional.of("common.tgz"), preamble.source0());
  }

  @Test
  void continuedLinesAreOneLineAsForRpm() {
    SpecPreamble preamble =
        read(
            "%global common_desc \\\nName: not a tag \\\nVersion: nor this\n"
                + "%global long %{expand:\nName: inside\n}\n"
                + "Name: nova\nVersion: 1.0\n");

    assertEquals(List.of("nova", "1.0"), List.of(preamble.name(), preamble.version()));
  }

  @Test
  void aCommentedDefinitionDefinesAsRpmDoes() {
    // rpm 4.18 warns "Macro expanded in comment" and takes version 2.
    SpecPreamble preamble = read("%global v 1\n# %global v 2\nName: nova\nVersion: %{v}\n");

    assertEquals("2", preamble.version());
  }

  @Test
  void undefineAndPercentEscapeAreFollowed() {
    SpecPreamble preamble =
        read(
            "%global flavour -x\n%undefine flavour\nName: nova%{?flavour}\nVersion: 1.0\n"
                + "Source0: https://example.com/nova%%201.0.tgz\n");

    assertEquals("nova", preamble.name());
    assertEquals(Optional.of("nova%201.0.tgz"), preamble.source0File());
  }

  @Test
  void aMacroThatWouldRunIsNotRefusedWhileNothingUsesIt() {
    SpecPreamble preamble =
        read(
            "%global commit %(git rev-parse HEAD)\n%define bundled %{lua: print('x')}\n"
                + "Name: nova\nVersion: 1.0\nRelease: 1%(date +%%s)\nSource0: nova.tgz\n");

    assertEquals("nova", preamble.name());
  }

  @Test
  void aShellMacroIsRefusedNamingTheProjectTheSpecTheFieldAndTheMacro() {
    InvalidSourceException e = refused("Name: %(id)\nVersion: 1.0\n");

    assertEquals(
        WHERE
            + ": Name in "
            + PATH
            + " uses %(id), which runs a shell command: the farm reads Name, Version and Source0"
            + " without running the spec, expanding only the spec's own %define and %global"
            + " macros of plain values, %{name}, %{version}, %{release} and %{?macro}; write a"
            + " literal value or a %global of one",
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "Version: %{lua: print('1.0')}|Version|%{lua: print('1.0')}, which runs Lua",
        "Version: %{expand:%%{name}}|Version|%{expand:%%{name}}, which the farm does not expand",
        "Version: %{shrink: 1.0 }|Version|%{shrink: 1.0 }, which the farm does not expand",
        "Version: %[1+1]|Version|%[1+1], which the farm does not expand",
        "Version: %{?pre:1}|Version|%{?pre:1}, which the farm does not expand",
        "Version: %{!?pre:1}|Version|%{!?pre:1}, which the farm does not expand",
        "Version: %{upstream}|Version|%{upstream}, which the spec does not define",
        "Version: %upstream|Version|%upstream, which the spec does not define",
        "Version: 1.0\\nSource0: %{_sourcedir}/nova.tgz|Source0|%{_sourcedir}, which the spec",
        "Version: 1.0\\nSource0: nova-%{version|Source0|%{version, which is not closed",
        "Version: 100%|Version|%, which the farm does not expand"
      })
  void eachOtherFormIsRefused(String lines, String field, String uses) {
    InvalidSourceException e = refused("Name: nova\n" + lines.replace("\\n", "\n") + "\n");

    assertTrue(
        e.getMessage().startsWith(WHERE + ": " + field + " in " + PATH + " uses " + uses),
        e::getMessage);
    assertTrue(e.getMessage().contains("without running the spec"), e::getMessage);
  }

  @Test
  void aMacroUsedBeforeTheTagThatDefinesItIsRefused() {
    InvalidSourceException e = refused("Name: nova-%{version}\nVersion: 1.0\n");

    assertTrue(e.getMessage().contains("uses %{version}, which the spec does not"), e::getMessage);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "%global commit %(git rev-parse HEAD)",
        "%global short %{lua: print('abc')}\n%global commit %{short}",
        "%define commit %(git rev-parse HEAD)"
      })
  void aMacroThatComesToARefusedFormIsRefusedThroughIt(String definitions) {
    InvalidSourceException e =
        refused(definitions + "\nName: nova\nVersion: 1.0\nSource0: nova-%{commit}.tar.gz\n");

    assertTrue(
        e.getMessage().startsWith(WHERE + ": Source0 in " + PATH + " uses %{commit}, which comes"),
        e::getMessage);
  }

  @Test
  void aParametricMacroIsRefused() {
    InvalidSourceException e = refused("%define ver(a) 1.0\nName: nova\nVersion: %{ver}\n");

    assertTrue(e.getMessage().contains("uses %{ver}, which is a parametric macro"), e::getMessage);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "%if 0%{?rhel}\\nName: nova\\n%else\\nName: nova-el\\n%endif\\nVersion: 1.0|Name",
        "Name: nova\\n%ifarch x86_64\\nVersion: 1.0\\n%endif|Version",
        "Name: nova\\nVersion: 1.0\\n  %if %{with tarball}\\nSource0: nova.tgz\\n  %endif|Source0",
        "Name: nova\\nVersion: 1.0\\n%if 1\\n%if 1\\n%endif\\nSource: nova.tgz\\n%endif|Source0"
      })
  void aFieldInsideAConditionalIsRefused(String lines, String field) {
    InvalidSourceException e = refused(lines.replace("\\n", "\n") + "\n");

    assertEquals(
        WHERE
            + ": "
            + field
            + " in "
            + PATH
            + " is inside %if ... %endif: the farm reads Name, Version and Source0 without running"
            + " the spec, so without deciding conditionals; give "
            + field
            + " once, outside them, with a literal value or a %global of one",
        e.getMessage());
  }

  @Test
  void aSourceWhoseNumberDependsOnAConditionalIsRefused() {
    InvalidSourceException e =
        refused("Name: nova\nVersion: 1.0\n%if 0\nSource1: a.tgz\n%endif\nSource: b.tgz\n");

    assertTrue(
        e.getMessage().contains("Source0 in " + PATH + " is a Source without a number, which is"),
        e::getMessage);
  }

  @Test
  void aReleaseInEachBranchIsNoDuplicateButCannotBeUsed() {
    String spec =
        "Name: nova\nVersion: 1.0\n%if 0%{?rhel}\nRelease: 1\n%else\nRelease: 2\n%endif\n";

    assertEquals("nova", read(spec + "Source0: nova.tgz\n").name());
    InvalidSourceException e = refused(spec + "Source0: nova-%{release}.tgz\n");
    assertTrue(
        e.getMessage().contains("uses %{release}, which is defined inside %if ... %endif"),
        e::getMessage);
  }

  @Test
  void aMacroDefinedInsideAConditionalIsRefusedWhereUsed() {
    String conditional =
        "%if 0%{?rhel} == 7\n%global py python2\n%else\n%global py python3\n%endif\n";

    InvalidSourceException e = refused(conditional + "Name: %{py}-nova\nVersion: 1.0\n");

    assertTrue(
        e.getMessage().contains("uses %{py}, which is defined inside %if ... %endif"),
        e::getMessage);
    assertEquals("nova", read(conditional + "Name: nova\nVersion: 1.0\n").name());
    assertEquals(
        "python3-nova",
        read(conditional + "%global py python3\nName: %{py}-nova\nVersion: 1.0\n").name());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "%define a %{a}\nName: %{a}",
        "%define a %{b}\n%define b %a\nName: %{a}",
        "%global a %a.1\nName: %{a}"
      })
  void aMacroThatRefersToItselfIsRefusedAtTheDepthLimit(String lines) {
    InvalidSourceException e = refused(lines + "\nVersion: 1.0\n");

    assertTrue(e.getMessage().contains("which expands more than 64 macros deep"), e::getMessage);
  }

  @Test
  void aMacroThatDoublesEachLevelIsRefusedAtTheLengthLimit() {
    String doubling =
        IntStream.range(1, 24)
            .mapToObj(i -> "%define a" + i + " %{a" + (i - 1) + "}%{a" + (i - 1) + "}\n")
            .collect(Collectors.joining());

    InvalidSourceException e = refused("%define a0 x\n" + doubling + "Name: %{a23}\nVersion: 1\n");

    assertTrue(e.getMessage().contains("expands to more than 65536 characters"), e::getMessage);
  }

  @Test
  void aCraftedSpecTakesTimeLinearInItsLength() {
    String spaces = " ".repeat(1 << 20);
    List<String> specs =
        List.of(
            // An open %{ makes the rest of the spec one line for the patterns.
            "%{!?a: %global a" + spaces + "x\nName: nova\nVersion: 1\n",
            // Expansions that come to nothing, 64 times over.
            "%define a "
                + "%{?b}".repeat(1 << 18)
                + "\n%define c %a%a%a%a%a%a%a%a\n"
                + "%define d %c%c%c%c%c%c%c%c\nName: %d\nVersion: 1\n");

    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> specs.forEach(spec -> assertThrows(InvalidSourceException.class, () -> read(spec))));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Version: 1.0|Name",
        "Name: nova|Version",
        // Said rather than that Source0's %{version} is undefined.
        "Name: nova\\nSource0: nova-%{version}.tgz|Version"
      })
  void aMissingNameOrVersionIsRefused(String lines, String field) {
    InvalidSourceException e =
        refused(lines.replace("\\n", "\n") + "\n%description\nName: nova\nVersion: 2\n");

    assertEquals(
        WHERE
            + ": "
            + PATH
            + " has no "
            + field
            + " tag in its preamble: give the spec a Name and a Version of letters, digits and"
            + " . _ + (and ~ ^ in the version)",
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Name: nova\\nName: nova2\\nVersion: 1|Name",
        "Name: nova\\nVersion: 1\\nVersion: 2|Version",
        "Name: nova\\nVersion: 1\\nRelease: 1\\nRelease: 2|Release",
        "Name: nova\\nVersion: 1\\nSource: a.tgz\\nSource0: b.tgz|Source0"
      })
  void aFieldGivenTwiceIsRefusedAsRpmbuildRefusesIt(String lines, String field) {
    InvalidSourceException e = refused(lines.replace("\\n", "\n") + "\n");

    assertEquals(
        WHERE
            + ": "
            + PATH
            + " gives "
            + field
            + " more than once, which rpmbuild refuses: keep one "
            + field
            + " tag",
        e.getMessage());
  }

  @Test
  void linesAreJoinedAfterABackslashAndWhileAMacroIsOpen() {
    assertEquals(
        List.of("a \\\nb", "%{x\n}", "c", "%%{", "d\\\\", ""),
        SpecPreamble.logicalLines("a \\\nb\n%{x\n}\nc\r\n%%{\nd\\\\\n"));
  }

  private static SpecPreamble read(String spec) {
    return SpecPreamble.read(spec, WHERE, PATH);
  }

  private static InvalidSourceException refused(String spec) {
    return assertThrows(InvalidSourceException.class, () -> read(spec));
  }
}
