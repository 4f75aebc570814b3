package org.perestroika.core.process;

/** What an external tool left behind: its exit code and everything it printed. */
public record CommandResult(int exitCode, String stdout, String stderr) {

  public CommandResult {
    stdout = stdout == null ? "" : stdout;
    stderr = stderr == null ? "" : stderr;
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
