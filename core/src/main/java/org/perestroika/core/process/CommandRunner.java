package org.perestroika.core.process;

/**
 * The one seam through which every external tool runs (debootstrap, reprepro, gpg, rsync, tar).
 * Tests substitute a recording fake and assert the exact command lines.
 */
public interface CommandRunner {

  /**
   * Runs the command to completion and returns its exit code and output. A non-zero exit is a
   * result, not an exception.
   *
   * @throws CommandFailedException when the program cannot be started or exceeds its timeout
   */
  CommandResult run(Command command);

  /**
   * Runs the command and insists that it succeeds.
   *
   * @throws CommandFailedException on a non-zero exit, naming the command and its output's tail
   */
  default CommandResult check(Command command) {
    CommandResult result = run(command);
    if (!result.succeeded()) {
      throw new CommandFailedException(command, result);
    }
    return result;
  }
}
