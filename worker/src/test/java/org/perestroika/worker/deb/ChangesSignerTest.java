package org.perestroika.worker.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

class ChangesSignerTest {
  private static final String KEY = "649CD3EAC1488CC66651D4240FCB19B53D8601C3";

  @TempDir Path dir;

  @Test
  void signsIntoASiblingThenReplacesTheChangesFile() throws IOException {
    Path changes = Files.writeString(dir.resolve("hello_1.0_amd64.changes"), "Source: hello\n");
    Path signing = dir.resolve("hello_1.0_amd64.changes.signing");
    RecordingCommandRunner gpg =
        new RecordingCommandRunner(
            command -> {
              try {
                Files.writeString(signing, "-----BEGIN PGP SIGNED MESSAGE-----\n");
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              return new CommandResult(0, "", "");
            });

    new ChangesSigner(gpg, Optional.of(dir.resolve("gnupg")), " " + KEY + "\n").sign(changes);

    assertEquals(
        List.of(
            "gpg --batch --homedir "
                + dir.resolve("gnupg")
                + " --yes --digest-algo SHA512 --local-user "
                + KEY
                + " --output "
                + signing
                + " --clearsign "
                + changes),
        gpg.commandLines());
    assertEquals("-----BEGIN PGP SIGNED MESSAGE-----\n", Files.readString(changes));
    assertFalse(Files.exists(signing));
  }

  @Test
  void aFailedSignatureLeavesTheChangesFileAsItWas() throws IOException {
    Path changes = Files.writeString(dir.resolve("hello_1.0_amd64.changes"), "Source: hello\n");
    RecordingCommandRunner gpg =
        new RecordingCommandRunner(command -> new CommandResult(2, "", "gpg: no default key"));

    ChangesSigner signer = new ChangesSigner(gpg, Optional.empty(), "builder@example.org");
    assertThrows(CommandFailedException.class, () -> signer.sign(changes));

    assertEquals("Source: hello\n", Files.readString(changes));
    assertTrue(gpg.commandLines().get(0).startsWith("gpg --batch --yes "));
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, signer::requireKey);
    assertEquals(
        "no secret key 'builder@example.org' to sign the .changes with in your GnuPG home:"
            + " `gpg --list-secret-keys` shows the keys there",
        missing.getMessage());
    assertEquals(
        "gpg --batch --list-secret-keys -- builder@example.org", gpg.commandLines().get(1));
  }

  @Test
  void aKeyMustBeAKeyIdOrAnAddress() {
    for (String key : new String[] {"", "--armor", "1234", "a b"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> new ChangesSigner(new RecordingCommandRunner(), Optional.empty(), key),
          key);
    }
  }
}
