package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionsCommandTest {
  @RegisterExtension final CapturedOutput output = new CapturedOutput();

  private String out() {
    return output.out();
  }

  private String err() {
    return output.err();
  }

  private void assertPrints(String expected, String... args) {
    int code = Main.run(args);
    assertEquals(Main.OK, code, err());
    assertEquals(expected + System.lineSeparator(), out());
    assertEquals("", err());
  }

  private void assertFails(String message, String... args) {
    int code = Main.run(args);
    assertEquals(Main.ERROR, code, out());
    assertEquals("", out());
    assertTrue(err().contains(message), err());
  }

  @ParameterizedTest(name = "{0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2.1.0-1~u14.04+mos1 | 2.1.0-1 | -1",
        "2.1.0-0~u14.04+mos1 | 2.1.0 | -1",
        "2.1.0-1 | 2.1.0-1 | 0",
        "1.0 | 1.0-0 | 0",
        "6.14.0-3~u14.04+mos1 | 6.14.0-2.3~u14.04+mos3 | 1",
        "1:1.0 | 2.0 | 1",
      })
  void compareDebPrintsTheSign(String a, String b, String expected) {
    assertPrints(expected, "versions", "compare", "deb", a, b);
  }

  @Test
  void compareNamesAMalformedVersion() {
    assertFails(
        "perestroika: error: invalid Debian version 'v1.0'",
        "versions",
        "compare",
        "deb",
        "1.0",
        "v1.0");
    assertTrue(err().contains("must start with a digit"), err());
  }

  @Test
  void compareRefusesAnUnknownKindListingTheKnownOnes() {
    assertFails(
        "perestroika: error: unknown version kind 'apk'; known kinds: deb, rpm",
        "versions",
        "compare",
        "apk",
        "1.0-1",
        "1.0-2");
    assertEquals(Set.of("deb", "rpm"), VersionsCommand.COMPARATORS.keySet());
  }

  @ParameterizedTest(name = "rpm {0} vs {1}")
  @CsvSource({"1.0~rc1-1, 1.0-1, -1", "1:1.0, 2.0, 1", "1.0^git1, 1.0, 1", "1.01, 1.1, 0"})
  void compareOrdersRpmVersionsAsRpmDoes(String a, String b, String expected) {
    assertEquals(Main.OK, Main.run("versions", "compare", "rpm", a, b));
    assertEquals(expected, out().strip());
  }

  @Test
  void aMalformedRpmVersionIsAnInputError() {
    assertEquals(Main.ERROR, Main.run("versions", "compare", "rpm", "1.0-", "1.0"));
    assertTrue(err().startsWith("perestroika: error: "), err());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mos specific --upstream 6.1 --distro-token u14.04 | 6.1-1~u14.04+mos1",
        "mos specific --upstream 10.0 --distro-token deb12 --subrevision 2 | 10.0-1~deb12+mos2",
        "mos divergent --from 2.1.0-1 --distro-token u14.04 | 2.1.0-1~u14.04+mos1",
        "mos divergent --from 6.14.0-2.3ubuntu4 --distro-token u14.04 | 6.14.0-2.3~u14.04+mos1",
        "mos divergent --from 6.14.0-2.3ubuntu4 --distro-token u14.04 --subrevision 3"
            + " | 6.14.0-2.3~u14.04+mos3",
        "mos divergent --from 1.0-0ubuntu1 --distro-token u14.04 | 1.0-0u~u14.04+mos1",
        "mos next --previous 6.14.0-2.3~u14.04+mos1 --upstream 6.14.0-2.3ubuntu4"
            + " | 6.14.0-2.3~u14.04+mos2",
        "mos next --previous 6.14.0-2.3~u14.04+mos2 --upstream 6.14.0-3ubuntu1"
            + " | 6.14.0-3~u14.04+mos1",
        "mos next --previous 6.1-1~u14.04+mos1 --upstream 6.1 | 6.1-1~u14.04+mos2",
        "mos backport --from 2.1.0-1~u14.04+mos1 --to-release mos6.1 --subset"
            + " | 2.1.0-1~u14.04+mos1+mos6.1+1",
        "mos backport --from 2.1.0-1~u14.04+mos1 --to-release mos7.0 --subset --number 2"
            + " | 2.1.0-1~u14.04+mos1+mos7.0+2",
        "mos backport --from 2.1.0-1~u14.04+mos2 --to-release mos6.1 --whole"
            + " | 2.1.0-1~u14.04+mos2~mos6.1+1",
        "mos backport --from 2.2+dfsg-5exp~u14.04+mos3 --to-release mos7.0 --whole"
            + " | 2.2+dfsg-5exp~u14.04+mos3~mos7.0+1",
      })
  void mosPrintsTheDerivedVersion(String args, String expected) {
    assertPrints(expected, ("versions " + args).split(" "));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "mos specific --upstream 6.1 --distro-token u14.04 --subrevision 0"
            + " | subrevision must be 1 or more",
        "mos specific --upstream 6.1-1 --distro-token u14.04 | has a Debian revision",
        "mos divergent --from 2.1.0 --distro-token u14.04 | no Debian revision",
        "mos divergent --from 2.1.0-1 --distro-token ubuntu14.04 | trademark",
        "mos divergent --from 2.1.0-1 --distro-token u14/04 | distro token 'u14/04'",
        "mos next --previous 2.1.0-1 --upstream 2.1.0-1 | not a primary MOS version",
        "mos next --previous 2.1.0-1~u14.04+mos1 --upstream 2.0-1 | would not sort above",
        "mos backport --from 2.1.0-1~u14.04+mos1 --to-release 6.1 --whole | release '6.1'",
        "mos backport --from 2.1.0-1~u14.04+mos1 --to-release mos6.1 | --whole",
        "mos backport --from 2.1.0-1~u14.04+mos1 --to-release mos6.1 --whole --subset"
            + " | mutually exclusive",
        "mos specific --upstream 6.1 | --distro-token",
      })
  void mosRefusesBadInputWithExitTwo(String args, String message) {
    int code = Main.run(("versions " + args).split(" "));
    assertEquals(Main.ERROR, code, out());
    assertTrue(err().contains(message), err());
  }

  @Test
  void errorsFromTheSchemeReadAsPerestroikaErrors() {
    assertFails(
        "perestroika: error: invalid Debian version 'v2'",
        "versions",
        "mos",
        "divergent",
        "--from",
        "v2",
        "--distro-token",
        "u14.04");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "compare | 2.1.0-1~u14.04+mos1 2.1.0-1",
        "mos specific | 6.1-1~u14.04+mos1",
        "mos specific | deb12",
        "mos divergent | 6.14.0-2.3~u14.04+mos1",
        "mos divergent | 0ubuntuX -> 0u~u14.04+mos",
        "mos next | 6.14.0-3~u14.04+mos1",
        "mos next | 6.14.0-2.3~u14.04+mos2",
        "mos backport | 2.1.0-1~u14.04+mos1+mos6.1+1",
        "mos backport | 2.1.0-1~u14.04+mos2~mos6.1+1",
        "mos backport | 2.2+dfsg-5exp~u14.04+mos3~mos7.0+1",
        "mos backport | --number",
      })
  void helpShowsTheSpecsExamples(String command, String expected) {
    assertEquals(Main.OK, Main.run(("versions " + command + " --help").split(" ")), err());
    assertTrue(out().contains(expected), out());
    for (String line : out().split(System.lineSeparator())) {
      assertTrue(line.length() <= 80, "help line wider than 80 columns: " + line);
    }
  }
}
