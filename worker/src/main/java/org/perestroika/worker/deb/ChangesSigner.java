package org.perestroika.worker.deb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * Clearsigns a build's .changes with the worker's own uploader key, as debsign does, so that a
 * publisher that trusts the key accepts the upload. The archive key is never on a worker: this is a
 * key of the worker's own GnuPG home.
 */
public final class ChangesSigner {
  private static final Pattern KEY =
      Pattern.compile("(0x)?[0-9A-Fa-f]{8,40}|[^\\s@<>]+@[^\\s@<>]+");

  private final CommandRunner runner;
  private final Optional<Path> gnupgHome;
  private final String keyId;

  /**
   * @param gnupgHome the GnuPG home holding the key; empty means gpg's own default ($GNUPGHOME or
   *     ~/.gnupg)
   * @param keyId a key id, fingerprint or e-mail address that gpg's --local-user takes
   * @throws IllegalArgumentException when {@code keyId} is none of those
   */
  public ChangesSigner(CommandRunner runner, Optional<Path> gnupgHome, String keyId) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.gnupgHome = Objects.requireNonNull(gnupgHome, "gnupgHome");
    if (keyId == null || !KEY.matcher(keyId.strip()).matches()) {
      throw new IllegalArgumentException(
          "uploader key '"
              + keyId
              + "' is neither a key id or fingerprint (hex digits) nor an e-mail address");
    }
    this.keyId = keyId.strip();
  }

  /**
   * Checks that the home holds the secret key, so a missing key is found before a long build.
   *
   * @throws IllegalArgumentException naming the key and how to look for it
   */
  public void requireKey() {
    CommandResult listed = runner.run(gpg("--list-secret-keys", "--", keyId));
    if (!listed.succeeded()) {
      throw new IllegalArgumentException(
          "no secret key '"
              + keyId
              + "' to sign the .changes with in "
              + gnupgHome.map(Path::toString).orElse("your GnuPG home")
              + ": `gpg --list-secret-keys` shows the keys there");
    }
  }

  /**
   * Replaces {@code changes} with its clearsigned form.
   *
   * @throws org.perestroika.core.process.CommandFailedException when gpg cannot sign with the key;
   *     the .changes is then left as it was
   */
  public void sign(Path changes) {
    Path signed = changes.resolveSibling(changes.getFileName() + ".signing");
    try {
      runner.check(
          gpg(
              "--yes",
              "--digest-algo",
              "SHA512",
              "--local-user",
              keyId,
              "--output",
              signed.toString(),
              "--clearsign",
              changes.toString()));
      Files.move(
          signed, changes, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot replace " + changes + " with its signed form", e);
    } finally {
      try {
        Files.deleteIfExists(signed);
      } catch (IOException e) {
        // Only a leftover beside the upload; what happened above is what the caller hears.
      }
    }
  }

  private Command gpg(String... args) {
    List<String> argv = new ArrayList<>(List.of("gpg", "--batch"));
    gnupgHome.ifPresent(home -> argv.addAll(List.of("--homedir", home.toString())));
    argv.addAll(List.of(args));
    return Command.of(argv);
  }
}
