package org.perestroika.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * A {@link CommandRunner} fake that records every command line and answers from a script, so unit
 * tests can assert exactly what would have been run.
 */
public final class RecordingCommandRunner implements CommandRunner {
  private final List<Command> commands = new ArrayList<>();
  private final Function<Command, CommandResult> answers;

  /** Answers every command with success and no output. */
  public RecordingCommandRunner() {
    this(command -> new CommandResult(0, "", ""));
  }

  public RecordingCommandRunner(Function<Command, CommandResult> answers) {
    this.answers = answers;
  }

  @Override
  public synchronized CommandResult run(Command command) {
    commands.add(command);
    return answers.apply(command);
  }

  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }

  /** Each recorded command as one space-joined line, for compact assertions. */
  public synchronized List<String> commandLines() {
    return commands.stream().map(Command::display).toList();
  }
}
