package org.perestroika.testing.gpg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;

/**
 * A GnuPG home in a temporary directory holding one fresh, unprotected ed25519 signing key, for
 * tests that sign with the real gpg. Create one per test class (ed25519 takes milliseconds) and
 * close it to stop its gpg-agent and delete it.
 */
public final class ThrowawayGpgHome implements AutoCloseable {
  public static final String USER_ID = "Perestroika Test Signing Key <test@perestroika.invalid>";

  private final CommandRunner runner;
  private final Path home;
  private final String fingerprint;

  private ThrowawayGpgHome(CommandRunner runner, Path home, String fingerprint) {
    this.runner = runner;
    this.home = home;
    this.fingerprint = fingerprint;
  }

  /**
   * Generates the key. Without gpg the calling test fails when the environment variable CI is true,
   * and is skipped otherwise.
   */
  public static ThrowawayGpgHome create() {
    Requirements.requirePrograms("gpg", "gpgconf");
    CommandRunner runner = new ProcessCommandRunner();
    Path home;
    try {
      // Short path: gpg-agent's socket path must fit in 108 bytes.
      home =
          Files.createTempDirectory(
              "gpg-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runner.check(
        Command.of(
            "gpg",
            "--batch",
            "--homedir",
            home.toString(),
            "--passphrase",
            "",
            "--quick-gen-key",
            USER_ID,
            "ed25519",
            "sign",
            "never"));
    String colons =
        runner
            .check(
                Command.of(
                    "gpg",
                    "--batch",
                    "--homedir",
                    home.toString(),
                    "--with-colons",
                    "--list-secret-keys"))
            .stdout();
    String fingerprint =
        colons
            .lines()
            .filter(line -> line.startsWith("fpr:"))
            .map(line -> line.split(":")[9])
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("gpg generated no key in " + home));
    return new ThrowawayGpgHome(runner, home, fingerprint);
  }

  /** The GNUPGHOME holding the secret key. */
  public Path home() {
    return home;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** Stops the home's gpg-agent (one per home) and deletes the home. */
  @Override
  public void close() {
    runner.run(Command.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
    FileTrees.delete(home);
  }
}
