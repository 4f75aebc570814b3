package org.perestroika.publisher.signing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * The public keys of those allowed to upload (workers' own keys, never the archive key). An upload
 * counts as theirs when its .changes is clearsigned by one of them; gpgv checks that, and the text
 * gpgv vouches for is what gets read, not the file as it lies.
 */
public final class UploaderKeyring {
  private static final String STATUS = "[GNUPG:] ";

  private final CommandRunner runner;
  private final Path keyring;

  /**
   * @param keyring a keyring file as {@code gpg --export KEYID > uploaders.gpg} writes it
   */
  public UploaderKeyring(CommandRunner runner, Path keyring) {
    this.runner = Objects.requireNonNull(runner, "runner");
    // gpgv looks for a bare file name in its home directory: always give it the full path.
    this.keyring = keyring.toAbsolutePath().normalize();
  }

  public Path keyring() {
    return keyring;
  }

  /**
   * Checks the signature of a clearsigned file.
   *
   * @throws SigningKeyException when the keyring itself is missing
   */
  public Verification verify(Path signed) {
    if (!Files.isRegularFile(keyring)) {
      throw new SigningKeyException(
          "the uploaders keyring "
              + keyring
              + " does not exist: publisher.uploaders-keyring must name a keyring file, such as"
              + " `gpg --export KEYID > "
              + keyring
              + "` writes");
    }
    CommandResult result =
        runner.run(
            Command.of(
                "gpgv",
                "--status-fd",
                "2",
                "--keyring",
                keyring.toString(),
                "--output",
                "-",
                signed.toString()));
    return classify(result);
  }

  /** What gpgv's status lines say. */
  private Verification classify(CommandResult result) {
    List<String[]> status =
        result
            .stderr()
            .lines()
            .filter(line -> line.startsWith(STATUS))
            .map(line -> line.substring(STATUS.length()).split(" "))
            .toList();
    for (String[] line : status) {
      String key = line.length > 1 ? line[1] : "?";
      switch (line[0]) {
        case "BADSIG":
          return new Verification.Refused(
              "is signed by key "
                  + key
                  + " but the signature does not match its content: it was changed after it was"
                  + " signed; rebuild it or sign it again");
        case "EXPKEYSIG":
          return new Verification.Refused(
              "is signed by key " + key + ", which has expired: sign it with a valid key");
        case "REVKEYSIG":
          return new Verification.Refused(
              "is signed by key " + key + ", which was revoked: sign it with a valid key");
        case "EXPSIG":
          return new Verification.Refused("carries an expired signature: sign it again");
        case "ERRSIG":
          // ERRSIG keyid pkalgo hashalgo class time rc [fingerprint]; rc 9 is a missing key.
          String signer = line.length > 7 ? line[7] : key;
          if (line.length > 6 && line[6].equals("9")) {
            return new Verification.Refused(
                "is signed by key "
                    + signer
                    + ", which is not in the uploaders keyring "
                    + keyring
                    + ": sign it with a trusted uploader key, or add that key's public key to"
                    + " the keyring");
          }
          return new Verification.Refused(
              "has a signature by key "
                  + signer
                  + " that gpgv cannot check (error code "
                  + (line.length > 6 ? line[6] : "?")
                  + "): sign it again with a current key");
        default:
          break;
      }
    }
    boolean good = status.stream().anyMatch(line -> line[0].equals("GOODSIG"));
    String[] valid =
        status.stream().filter(line -> line[0].equals("VALIDSIG")).findFirst().orElse(null);
    if (result.succeeded() && good && valid != null) {
      // The last field of VALIDSIG is the primary key's fingerprint.
      return new Verification.Verified(result.stdout(), valid[valid.length - 1]);
    }
    if (status.stream().noneMatch(line -> line[0].equals("NEWSIG"))) {
      return new Verification.Refused(
          "is not signed: this publisher takes only uploads clearsigned by a trusted uploader"
              + " key; build with `perestroika build --sign-changes KEYID`, or sign it with"
              + " `debsign -k KEYID`");
    }
    return new Verification.Refused(
        "has a signature gpgv could not verify (exit "
            + result.exitCode()
            + "): "
            + result.stderr().lines().filter(l -> !l.startsWith(STATUS)).toList());
  }

  /** How a signature check came out. */
  public sealed interface Verification {
    /**
     * The signature is good and made by a trusted key.
     *
     * @param text the signed text, as gpgv returns it
     * @param fingerprint the signing key's primary fingerprint
     */
    record Verified(String text, String fingerprint) implements Verification {
      public Verified {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(fingerprint, "fingerprint");
      }
    }

    /**
     * The upload is refused; {@code reason} completes a sentence that starts with the file's name.
     */
    record Refused(String reason) implements Verification {
      public Refused {
        Objects.requireNonNull(reason, "reason");
      }
    }
  }
}
