package org.perestroika.core.process;

/** An external tool exited non-zero, could not be started or ran past its time limit. */
public final class CommandFailedException extends RuntimeException {
  private static final int TAIL_CHARS = 2000;

  private final transient Command command;
  private final transient CommandResult result;

  public CommandFailedException(Command command, CommandResult result) {
    super(describe(command, result));
    this.command = command;
    this.result = result;
  }

  public CommandFailedException(Command command, String problem, Throwable cause) {
    super("`" + command.display() + "` " + problem, cause);
    this.command = command;
    this.result = null;
  }

  public Command command() {
    return command;
  }

  /** The result, or null when the tool never ran to completion. */
  public CommandResult result() {
    return result;
  }

  private static String describe(Command command, CommandResult result) {
    String output = result.stderr().isBlank() ? result.stdout() : result.stderr();
    String tail =
        output.length() > TAIL_CHARS
            ? "..." + output.substring(output.length() - TAIL_CHARS)
            : output;
    return "`" + command.display() + "` exited with " + result.exitCode() + ":\n" + tail.strip();
  }
}
