package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads reports that the real dose 7.0.0 printed for the fixtures beside them, made with:
 *
 * <pre>
 * dose-distcheck --deb-native-arch=amd64 --explain --failures \
 *     --fg=deb://release.Packages --bg=deb://base.Packages &gt; distcheck.yaml
 * dose-builddebcheck --deb-native-arch=amd64 --deb-emulate-sbuild --explain --failures \
 *     release.Packages base.Packages release.Sources &gt; builddebcheck.yaml
 * dose-distcheck --deb-native-arch=amd64 --explain --failures \
 *     --fg=deb://base.Packages &gt; distcheck-ok.yaml
 * </pre>
 */
class DoseReportTest {

  @Test
  void distcheckNamesEachBrokenPackageWithTheMissingDependencyOrTheConflict() throws IOException {
    DoseReport report = DoseReport.parse(resource("distcheck.yaml"), "dose-distcheck");

    assertEquals(
        List.of(
            "rebel 2.0-1 [amd64]: conflicts with coreutils:amd64, but coreutils 9.1-1 (essential)"
                + " is needed too",
            "lonely 0.1-1+mos1 [amd64]: depends on nothing-here:amd64 | also-missing:amd64"
                + " (>= 2.0~), which no package of the release or the base distribution"
                + " satisfies",
            "leaning 1.10 [amd64]: leaning 1.10 depends on lonely:amd64; lonely 0.1-1+mos1"
                + " depends on nothing-here:amd64 | also-missing:amd64 (>= 2.0~), which no"
                + " package of the release or the base distribution satisfies",
            "app 1.0-1 [amd64]: libfoo 2.1-1 conflicts with libbar:amd64, but libbar 3.0-1 is"
                + " needed too (app 1.0-1 depends on libfoo:amd64 (>= 2); app 1.0-1 depends on"
                + " helper:amd64, helper 1:0.5-1 depends on libbar:amd64 | libbaz:amd64)"),
        describe(report));
  }

  @Test
  void builddebcheckNamesSourcePackagesAndTheirBuildDependencies() throws IOException {
    DoseReport report = DoseReport.parse(resource("builddebcheck.yaml"), "dose-builddebcheck");

    assertEquals(
        List.of(
            "app 1.0-1 (source): libfoo 2.1-1 conflicts with libbar:amd64, but libbar 3.0-1 is"
                + " needed too (app 1.0-1 (source) build-depends on libfoo:amd64 (>= 2);"
                + " app 1.0-1 (source) build-depends on helper:amd64, helper 1:0.5-1 depends on"
                + " libbar:amd64 | libbaz:amd64)",
            "lonely 0.1-1+mos1 (source): build-depends on lonely-dev:amd64 (>= 0.1), which no"
                + " package of the release or the base distribution satisfies",
            "chained 1.10 (source): chained 1.10 (source) build-depends on leaning:amd64,"
                + " leaning 1.10 depends on lonely:amd64; lonely 0.1-1+mos1 depends on"
                + " nothing-here:amd64 | also-missing:amd64 (>= 2.0~), which no package of the"
                + " release or the base distribution satisfies",
            // sbuild installs only the first alternative, and dose was told to do the same.
            "picky 1.0 (source): build-depends on debhelper:amd64 (>= 14), which no package of"
                + " the release or the base distribution satisfies"),
        describe(report));
  }

  @Test
  void versionsStayTextAsDoseWroteThem() throws IOException {
    DoseReport report = DoseReport.parse(resource("distcheck.yaml"), "dose-distcheck");

    DoseReport.Ref leaning = report.broken().get(2).pkg();
    assertEquals(new DoseReport.Ref("leaning", "1.10", "amd64", false, false), leaning);
  }

  @Test
  void aReportWithNothingBrokenIsEmpty() throws IOException {
    assertEquals(
        List.of(), DoseReport.parse(resource("distcheck-ok.yaml"), "dose-distcheck").broken());
  }

  @Test
  void outputThatIsNoReportIsAnError() {
    CheckException notYaml =
        assertThrows(CheckException.class, () -> DoseReport.parse("report: [\n", "dose-distcheck"));
    assertTrue(notYaml.getMessage().startsWith("dose-distcheck printed a report that is not YAML"));

    CheckException noReport =
        assertThrows(
            CheckException.class,
            () -> DoseReport.parse("output-version: 1.2\n", "dose-distcheck"));
    assertEquals("dose-distcheck printed no report: output-version: 1.2", noReport.getMessage());
  }

  private static List<String> describe(DoseReport report) {
    return report.broken().stream().flatMap(broken -> broken.describe().stream()).toList();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = DoseReportTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
