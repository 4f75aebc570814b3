package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command, however deep, prints its own usage for --help and -h, and exits 0. */
class SubcommandHelpTest {
  @RegisterExtension final CapturedOutput output = new CapturedOutput();

  static Stream<String> commands() {
    return CommandTree.paths().stream().map(path -> String.join(" ", path));
  }

  @Test
  void theWalkReachesEveryLevel() {
    List<String> commands = commands().toList();
    for (String expected :
        List.of("", "setup", "chroot create", "scheduler", "mirror clone", "versions mos next")) {
      assertTrue(commands.contains(expected), expected + " in " + commands);
    }
  }

  @ParameterizedTest(name = "perestroika {0} --help")
  @MethodSource("commands")
  void helpPrintsTheUsageOfTheCommandAndExitsZero(String command) {
    String root =
        String.join(
            "\n", new CommandLine(new Main()).getCommandSpec().usageMessage().description());
    for (String flag : List.of("--help", "-h")) {
      output.reset();
      List<String> args =
          new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
      args.add(flag);

      int code = Main.run(args.toArray(String[]::new));

      String usage = output.out();
      assertEquals(Main.OK, code, flag + ": " + output.err());
      assertTrue(
          usage.startsWith("Usage: " + String.join(" ", "perestroika", command).trim() + " ["),
          flag + ": " + usage);
      assertTrue(usage.contains("--config=FILE"), flag + ": " + usage);
      assertTrue(usage.contains("--state-dir=DIR"), flag + ": " + usage);
      assertEquals("", output.err(), flag);
      if (!command.isEmpty()) {
        // A subcommand without a description of its own would show perestroika's.
        assertFalse(usage.contains(root), "perestroika " + command + " needs a description");
      }
    }
  }
}
