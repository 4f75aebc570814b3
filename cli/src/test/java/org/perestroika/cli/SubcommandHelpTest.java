package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command, however deep, prints its own usage for --help and -h, and exits 0. */
class SubcommandHelpTest {
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void capture() {
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

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
      out.reset();
      err.reset();
      List<String> args =
          new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
      args.add(flag);

      int code = Main.run(args.toArray(String[]::new));

      String usage = out.toString(StandardCharsets.UTF_8);
      assertEquals(Main.OK, code, flag + ": " + err.toString(StandardCharsets.UTF_8));
      assertTrue(
          usage.startsWith("Usage: " + String.join(" ", "perestroika", command).trim() + " ["),
          flag + ": " + usage);
      assertTrue(usage.contains("--config=FILE"), flag + ": " + usage);
      assertTrue(usage.contains("--state-dir=DIR"), flag + ": " + usage);
      assertEquals("", err.toString(StandardCharsets.UTF_8), flag);
      if (!command.isEmpty()) {
        // A subcommand without a description of its own would show perestroika's.
        assertFalse(usage.contains(root), "perestroika " + command + " needs a description");
      }
    }
  }
}
