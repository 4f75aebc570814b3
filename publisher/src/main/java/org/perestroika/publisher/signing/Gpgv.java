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
}
