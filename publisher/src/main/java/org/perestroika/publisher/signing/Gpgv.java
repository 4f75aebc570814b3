package org.perestroika.publisher.signing;

import java.nio.file.Path;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;

/**
 * Checks signatures the way clients will, with gpgv against the public keyring the repository
 * publishes, so nothing is switched live that apt would refuse.
 */
public final class Gpgv {
  private final CommandRunner runner;

  public Gpgv(CommandRunner runner) {
    this.runner = runner;
  }

  /**
   * @throws org.perestroika.core.process.CommandFailedException when the signature is bad or made
   *     by a key not in {@code keyring}
   */
  public void verifyClearsigned(Path keyring, Path signed) {
    runner.check(Command.of("gpgv", "--keyring", keyring.toString(), signed.toString()));
  }

  /**
   * @throws org.perestroika.core.process.CommandFailedException when the signature is bad or made
   *     by a key not in {@code keyring}
   */
  public void verifyDetached(Path keyring, Path signature, Path data) {
    runner.check(
        Command.of("gpgv", "--keyring", keyring.toString(), signature.toString(), data.toString()));
  }

  /**
   * Verifies a clear-signed file and writes out the text the signature covers, which is what a
   * reader must parse: text around the signed part is not vouched for.
   *
   * @param output a file that does not exist yet
   * @throws org.perestroika.core.process.CommandFailedException when the signature is bad or made
   *     by a key not in {@code keyring}
   */
  public void verifyClearsignedTo(Path keyring, Path signed, Path output) {
    runner.check(
        Command.of(
            "gpgv",
            "--keyring",
            keyring.toString(),
            "--output",
            output.toString(),
            signed.toString()));
  }
}
