package org.perestroika.publisher.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * dose-distcheck and dose-builddebcheck, the Debian tools that decide from package metadata alone
 * whether packages can be installed, or source packages' build dependencies satisfied.
 */
final class Dose {
  static final String DISTCHECK = "dose-distcheck";
  static final String BUILDDEBCHECK = "dose-builddebcheck";

  /** Checking the whole of Debian against itself takes seconds; this is generous. */
  private static final Duration TIMEOUT = Duration.ofMinutes(20);

  private final CommandRunner runner;
  private final String architecture;

  Dose(CommandRunner runner, String architecture) {
    this.runner = runner;
    this.architecture = architecture;
  }

  /**
   * Which packages of {@code foreground} cannot be installed from foreground plus background.
   *
   * @throws CheckException when dose is missing or cannot read its input
   */
  DoseReport distcheck(List<Path> foreground, List<Path> background) {
    List<String> argv = new ArrayList<>(List.of(DISTCHECK, "--deb-native-arch=" + architecture));
    argv.addAll(List.of("--explain", "--failures"));
    foreground.forEach(file -> argv.add("--fg=deb://" + file));
    background.forEach(file -> argv.add("--bg=deb://" + file));
    return run(argv);
  }

  /**
   * Which source packages of {@code sources} cannot have their build dependencies installed from
   * {@code binaries}. sbuild installs only the first of alternative build dependencies, and so does
   * this check.
   *
   * @throws CheckException when dose is missing or cannot read its input
   */
  DoseReport builddebcheck(List<Path> binaries, Path sources) {
    List<String> argv =
        new ArrayList<>(List.of(BUILDDEBCHECK, "--deb-native-arch=" + architecture));
    argv.addAll(List.of("--deb-emulate-sbuild", "--explain", "--failures"));
    binaries.forEach(file -> argv.add(file.toString()));
    argv.add(sources.toString());
    return run(argv);
  }

  /**
   * dose exits 0 when every package checked is fine, 1 when some are broken, and 64 or more when it
   * could not run (a parse or I/O error); other codes are not documented.
   */
  private DoseReport run(List<String> argv) {
    String tool = argv.get(0);
    Command command = Command.of(argv).withTimeout(TIMEOUT);
    CommandResult result;
    try {
      result = runner.run(command);
    } catch (CommandFailedException e) {
      if (e.result() == null && e.getCause() instanceof java.io.IOException) {
        throw new CheckException(
            tool + " could not be run: install the " + tool + " package (`perestroika setup` does)",
            e);
      }
      throw new CheckException(e.getMessage(), e);
    }
    int code = result.exitCode();
    if (code != 0 && code != 1) {
      throw new CheckException(
          "`"
              + command.display()
              + "` "
              + (code >= 64 ? "could not check (exit " + code + ")" : "exited with " + code)
              + ": "
              + result.stderr().strip());
    }
    DoseReport report = DoseReport.parse(result.stdout(), tool);
    if ((code == 1) != !report.broken().isEmpty()) {
      throw new CheckException(
          tool
              + " exited with "
              + code
              + " but reported "
              + report.broken().size()
              + " broken packages: "
              + result.stderr().strip());
    }
    return report;
  }
}
