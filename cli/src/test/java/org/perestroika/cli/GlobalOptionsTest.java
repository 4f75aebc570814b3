package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** --config and --state-dir mean the same before the subcommand and after it. */
class GlobalOptionsTest {
  @RegisterExtension final CapturedOutput output = new CapturedOutput();
  @TempDir Path work;

  static List<List<String>> commands() {
    return CommandTree.paths();
  }

  /** Parses the options given after the command, and returns what its commands read them from. */
  private static Main parsed(List<String> command, String... options) {
    Main main = new Main();
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of(options));
    // --help spares the parse the command's own required options, which are not at issue here.
    args.add("--help");
    new CommandLine(main).parseArgs(args.toArray(String[]::new));
    return main;
  }

  @ParameterizedTest(name = "perestroika {0} --config FILE")
  @MethodSource("commands")
  void aConfigAfterAnyCommandIsTheOneLoaded(List<String> command) {
    Path missing = work.resolve("missing.yaml");

    Main main = parsed(command, "--config", missing.toString());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, main::config);
    assertEquals("configuration file " + missing + " does not exist", e.getMessage());
  }

  @ParameterizedTest(name = "perestroika {0} --state-dir DIR")
  @MethodSource("commands")
  void aStateDirAfterAnyCommandIsTheOneUsed(List<String> command) throws IOException {
    Path config = Files.writeString(work.resolve("perestroika.yaml"), "state-dir: /from/file\n");
    Path state = work.resolve("state");

    Main main = parsed(command, "--config", config.toString(), "--state-dir", state.toString());

    assertEquals(state, main.config().stateDir());
  }

  /** Command lines that read the configuration before anything else can fail. */
  static Stream<String> readingTheConfig() {
    return Stream.of(
        "setup",
        "chroot create --dist bookworm",
        "chroot update --dist bookworm",
        "chroot list",
        "build . --dist bookworm",
        "publish out --release mos10.0",
        "promote hello --from mos10.0-proposed --to mos10.0-updates",
        "client-config --release mos10.0",
        "repo check --release mos10.0",
        "mirror sync --to mirror",
        "scheduler");
  }

  @ParameterizedTest(name = "perestroika {0} with a missing --config")
  @MethodSource("readingTheConfig")
  void aMissingConfigIsAnErrorBeforeOrAfterTheCommand(String command) {
    Path missing = work.resolve("missing.yaml");
    for (boolean before : List.of(true, false)) {
      String printed = failing(command, before, "--config", missing.toString());
      assertTrue(
          printed.contains("perestroika: error: configuration file " + missing + " does not exist"),
          printed);
    }
  }

  @ParameterizedTest(name = "perestroika {0} with a --config that has a bad key")
  @MethodSource("readingTheConfig")
  void aBadConfigIsNamedBeforeOrAfterTheCommand(String command) throws IOException {
    Path config = Files.writeString(work.resolve("bad.yaml"), "state-dirr: /tmp\n");
    for (boolean before : List.of(true, false)) {
      String printed = failing(command, before, "--config", config.toString());
      assertTrue(printed.contains(config.toString()), printed);
      assertTrue(printed.contains("state-dirr: unknown key"), printed);
    }
  }

  @Test
  void aStateDirAfterTheCommandDecidesWhereItsRepositoriesAre() throws IOException {
    Path config =
        Files.writeString(
            work.resolve("perestroika.yaml"), "state-dir: " + work.resolve("from-file") + "\n");
    Path state = work.resolve("state");
    for (boolean before : List.of(true, false)) {
      output.reset();
      List<String> global = List.of("--config", config.toString(), "--state-dir", state.toString());
      List<String> command = List.of("client-config", "--release", "mos10.0", "--dist", "bookworm");
      List<String> args = new ArrayList<>(before ? global : command);
      args.addAll(before ? command : global);

      int code = Main.run(args.toArray(String[]::new));

      String printed = output.out();
      assertEquals(Main.OK, code, args + ": " + output.err());
      assertTrue(printed.contains(" file:" + state.resolve("repos") + "/"), args + ": " + printed);
    }
  }

  /**
   * Runs the command with the options before or after it, expects the error exit, and returns all
   * it printed.
   */
  private String failing(String command, boolean before, String... options) {
    // The scheduler logs to the journal, not to System.out, when it runs under systemd.
    assumeFalse(command.startsWith("scheduler") && System.getenv("JOURNAL_STREAM") != null);
    output.reset();
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.addAll(before ? 0 : args.size(), List.of(options));

    int code = Main.run(args.toArray(String[]::new));

    // The scheduler sends its errors to stdout, as a service does.
    String printed = output.out() + output.err();
    assertEquals(Main.ERROR, code, args + ": " + printed);
    return args + ": " + printed;
  }
}
