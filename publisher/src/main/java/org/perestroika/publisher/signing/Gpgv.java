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
   * The text a clear-signed file signs, once its signature checks out: what to parse, rather than
   * the file, whose unsigned parts (before or after the signed block) anyone could have changed.
   *
   * @throws org.perestroika.core.process.CommandFailedException when the signature is bad or made
   *     by a key not in {@code keyring}
   */
  public String signedText(Path keyring, Path signed) {
    return runner
        .check(
            Command.of("gpgv", "--keyring", keyring.toString(), "--output", "-", signed.toString()))
        .stdout();
  }
}
