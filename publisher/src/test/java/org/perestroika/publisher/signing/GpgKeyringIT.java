package org.perestroika.publisher.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

class GpgKeyringIT {
  private static ThrowawayGpgHome key;
  private final CommandRunner runner = new ProcessCommandRunner();

  @TempDir Path dir;

  @BeforeAll
  static void createKey() {
    Requirements.requirePrograms("gpg", "gpgv", "gpgconf");
    key = ThrowawayGpgHome.create();
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @Test
  void generatesAnRsaKeyOnFirstUseAndReusesIt() throws IOException {
    Path home = dir.resolve("gnupg");
    try {
      GpgKeyring generated = GpgKeyring.open(runner, home, Optional.empty());
      assertTrue(generated.fingerprint().matches("[0-9A-F]{40}"), generated.fingerprint());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
      assertTrue(Files.readString(home.resolve("gpg.conf")).contains("cert-digest-algo SHA512"));
      String listing =
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
      assertTrue(listing.contains(":4096:1:"), "an RSA 4096 key: " + listing);
      assertTrue(listing.contains(GpgKeyring.GENERATED_USER_ID));
      assertEquals(
          generated.fingerprint(), GpgKeyring.open(runner, home, Optional.empty()).fingerprint());
    } finally {
      runner.run(Command.of("gpgconf", "--homedir", home.toString(), "--kill", "all"));
    }
  }

  @Test
  void signaturesUseSha512AndVerifyAgainstTheExportedKeyring() throws IOException {
    GpgKeyring keyring = GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint()));
    Path release = Files.writeString(dir.resolve("Release"), "Origin: Perestroika\n");
    Path inRelease = dir.resolve("InRelease");
    Path releaseGpg = dir.resolve("Release.gpg");
    Path exported = dir.resolve("mos-archive-keyring.gpg");
    // A signature in an older snapshot, hard-linked to the one about to be written: it stays.
    Files.writeString(inRelease, "older snapshot's InRelease\n");
    Path older = Files.createLink(dir.resolve("older-InRelease"), inRelease);
    keyring.clearsign(release, inRelease);
    keyring.detachSign(release, releaseGpg);
    keyring.exportPublicKey(exported);
    keyring.signKeyring(exported);
    assertEquals("older snapshot's InRelease\n", Files.readString(older));

    byte[] keyBytes = Files.readAllBytes(exported);
    assertTrue((keyBytes[0] & 0x80) != 0, "a binary OpenPGP keyring, not armor");
    assertTrue(Files.readString(inRelease).contains("\nHash: SHA512\n"));
    assertTrue(Files.readString(releaseGpg).startsWith("-----BEGIN PGP SIGNATURE-----"));
    Gpgv gpgv = new Gpgv(runner);
    gpgv.verifyClearsigned(exported, inRelease);
    gpgv.verifyDetached(exported, releaseGpg, release);
    gpgv.verifyDetached(exported, dir.resolve("mos-archive-keyring.sig"), exported);
    String packets =
        runner
            .check(
                Command.of(
                    "gpg",
                    "--batch",
                    "--homedir",
                    key.home().toString(),
                    "--list-packets",
                    releaseGpg.toString()))
            .stdout();
    assertTrue(packets.contains("digest algo 10"), packets);

    Files.writeString(release, "Origin: Someone Else\n");
    assertThrows(
        org.perestroika.core.process.CommandFailedException.class,
        () -> gpgv.verifyDetached(exported, releaseGpg, release));
  }

  @Test
  void aConfiguredKeyMustBeInTheHome() {
    SigningKeyException e =
        assertThrows(
            SigningKeyException.class,
            () -> GpgKeyring.open(runner, key.home(), Optional.of("0123456789ABCDEF")));
    assertTrue(e.getMessage().contains("--import key.asc"), e.getMessage());
  }
}
