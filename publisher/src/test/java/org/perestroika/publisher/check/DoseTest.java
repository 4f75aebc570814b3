package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

/** The dose command lines, and dose's exit codes as its manual gives them. */
class DoseTest {
  private static final Path FG = Path.of("/repo/dists/mos10.0/main/binary-amd64/Packages");
  private static final Path BG = Path.of("/base/bookworm_main_binary-amd64_Packages");

  @Test
  void distcheckChecksTheReleaseInTheForegroundAgainstTheBaseInTheBackground() throws IOException {
    String yaml = DoseReportTest.resource("distcheck.yaml");
    RecordingCommandRunner runner =
        new RecordingCommandRunner(command -> new CommandResult(1, yaml, ""));

    DoseReport report = new Dose(runner, "amd64").distcheck(List.of(FG), List.of(BG));

    assertEquals(4, report.broken().size());
    assertEquals(
        List.of(
            "dose-distcheck --deb-native-arch=amd64 --explain --failures"
                + " --fg=deb:///repo/dists/mos10.0/main/binary-amd64/Packages"
                + " --bg=deb:///base/bookworm_main_binary-amd64_Packages"),
        runner.commandLines());
  }

  @Test
  void builddebcheckTakesTheBinariesThenOneSourcesFileAndActsAsSbuild() throws IOException {
    String yaml = DoseReportTest.resource("distcheck-ok.yaml");
    RecordingCommandRunner runner =
        new RecordingCommandRunner(command -> new CommandResult(0, yaml, ""));

    DoseReport report =
        new Dose(runner, "amd64").builddebcheck(List.of(FG, BG), Path.of("/tmp/x/Sources"));

    assertEquals(List.of(), report.broken());
    assertEquals(
        List.of(
            "dose-builddebcheck --deb-native-arch=amd64 --deb-emulate-sbuild --explain --failures"
                + " /repo/dists/mos10.0/main/binary-amd64/Packages"
                + " /base/bookworm_main_binary-amd64_Packages /tmp/x/Sources"),
        runner.commandLines());
  }

  @Test
  void exitCode64AndAboveMeansDoseCouldNotCheck() {
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command ->
                new CommandResult(
                    64, "", "Fatal error in module dose_common.input:\n Input file x missing."));

    CheckException e =
        assertThrows(
            CheckException.class,
            () -> new Dose(runner, "amd64").distcheck(List.of(FG), List.of(BG)));

    assertTrue(e.getMessage().contains("could not check (exit 64)"), e.getMessage());
    assertTrue(e.getMessage().contains("Input file x missing."), e.getMessage());
  }

  @Test
  void anExitCodeThatDisagreesWithTheReportIsAnError() throws IOException {
    String ok = DoseReportTest.resource("distcheck-ok.yaml");
    RecordingCommandRunner runner =
        new RecordingCommandRunner(command -> new CommandResult(1, ok, ""));

    CheckException e =
        assertThrows(
            CheckException.class,
            () -> new Dose(runner, "amd64").distcheck(List.of(FG), List.of(BG)));

    assertTrue(e.getMessage().contains("exited with 1 but reported 0 broken"), e.getMessage());
  }

  @Test
  void aMissingToolSaysWhatToInstall() {
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command -> {
              throw new CommandFailedException(
                  command, "could not be started", new IOException("No such file"));
            });

    CheckException e =
        assertThrows(
            CheckException.class,
            () -> new Dose(runner, "amd64").builddebcheck(List.of(FG), Path.of("/tmp/Sources")));

    assertEquals(
        "dose-builddebcheck could not be run: install the dose-builddebcheck package"
            + " (`perestroika setup` does)",
        e.getMessage());
  }
}
