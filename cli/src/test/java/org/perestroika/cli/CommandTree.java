package org.perestroika.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine;

/** Every command of {@code perestroika}, found by walking picocli's subcommands. */
final class CommandTree {
  private CommandTree() {}

  /** The path of each command from the top, {@code perestroika} itself first, as an empty list. */
  static List<List<String>> paths() {
    List<List<String>> paths = new ArrayList<>();
    walk(new CommandLine(new Main()), List.of(), paths);
    return paths;
  }

  private static void walk(CommandLine command, List<String> path, List<List<String>> into) {
    into.add(path);
    // An alias would list a subcommand twice; each is visited once, by its name.
    for (CommandLine sub : new LinkedHashSet<>(command.getSubcommands().values())) {
      List<String> next = new ArrayList<>(path);
      next.add(sub.getCommandName());
      walk(sub, List.copyOf(next), into);
    }
  }
}
