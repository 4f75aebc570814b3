package org.perestroika.publisher.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

/** gpgv's verdicts, as its status lines give them, turned into what an uploader reads. */
class UploaderKeyringTest {
  private static final String FPR = "649CD3EAC1488CC66651D4240FCB19B53D8601C3";
  private static final String OTHER = "354E18CEFBF6B72C70FE0C8E0F182AF0AB1AACB7";

  @TempDir Path dir;

  private UploaderKeyring.Verification verify(CommandResult gpgv) throws IOException {
    Path keyring = Files.writeString(dir.resolve("uploaders.gpg"), "keys");
    RecordingCommandRunner runner = new RecordingCommandRunner(command -> gpgv);
    UploaderKeyring.Verification verification =
        new UploaderKeyring(runner, keyring).verify(dir.resolve("x.changes"));
    assertEquals(
        List.of(
            "gpgv --status-fd 2 --keyring " + keyring + " --output - " + dir.resolve("x.changes")),
        runner.commandLines());
    return verification;
  }

  private static String status(String... lines) {
    StringBuilder text = new StringBuilder("[GNUPG:] NEWSIG\n");
    for (String line : lines) {
      text.append(line.startsWith("gpgv:") ? "" : "[GNUPG:] ").append(line).append('\n');
    }
    return text.toString();
  }

  @Test
  void aGoodSignatureByATrustedKeyGivesTheSignedText() throws IOException {
    assertEquals(
        new UploaderKeyring.Verification.Verified("Source: x\n", FPR),
        verify(
            new CommandResult(
                0,
                "Source: x\n",
                status(
                    "GOODSIG 0FCB19B53D8601C3 Up <up@x.invalid>",
                    "VALIDSIG " + FPR + " 2026-11-21 1795303254 0 4 0 22 8 01 " + FPR))));
  }

  @Test
  void aSignatureThatDoesNotMatchTheContentIsRefused() throws IOException {
    assertEquals(
        new UploaderKeyring.Verification.Refused(
            "is signed by key 0FCB19B53D8601C3 but the signature does not match its content: it"
                + " was changed after it was signed; rebuild it or sign it again"),
        verify(new CommandResult(1, "Source: y\n", status("BADSIG 0FCB19B53D8601C3 Up <up@x>"))));
  }

  @Test
  void aSignatureByAnUnknownKeyIsRefusedNamingTheKeyAndTheKeyring() throws IOException {
    UploaderKeyring.Verification verification =
        verify(
            new CommandResult(
                2,
                "Source: x\n",
                status(
                    "ERRSIG 0F182AF0AB1AACB7 22 8 01 1795303254 9 " + OTHER,
                    "NO_PUBKEY 0F182AF0AB1AACB7",
                    "gpgv: Can't check signature: No public key")));
    assertEquals(
        new UploaderKeyring.Verification.Refused(
            "is signed by key "
                + OTHER
                + ", which is not in the uploaders keyring "
                + dir.resolve("uploaders.gpg")
                + ": sign it with a trusted uploader key, or add that key's public key to the"
                + " keyring"),
        verification);
  }

  @Test
  void anUnsignedFileIsRefusedSayingHowToSignIt() throws IOException {
    UploaderKeyring.Verification verification =
        verify(
            new CommandResult(
                2,
                "",
                "gpgv: no valid OpenPGP data found.\n[GNUPG:] NODATA 1\n[GNUPG:] NODATA 2\n"));
    UploaderKeyring.Verification.Refused refused =
        (UploaderKeyring.Verification.Refused) verification;
    assertTrue(refused.reason().startsWith("is not signed: "), refused.reason());
    assertTrue(refused.reason().contains("perestroika build --sign-changes KEYID"));
  }

  @Test
  void expiredAndRevokedKeysAreRefused() throws IOException {
    assertEquals(
        new UploaderKeyring.Verification.Refused(
            "is signed by key 0FCB19B53D8601C3, which has expired: sign it with a valid key"),
        verify(new CommandResult(0, "x", status("EXPKEYSIG 0FCB19B53D8601C3 Up <up@x>"))));
    assertEquals(
        new UploaderKeyring.Verification.Refused(
            "is signed by key 0FCB19B53D8601C3, which was revoked: sign it with a valid key"),
        verify(new CommandResult(0, "x", status("REVKEYSIG 0FCB19B53D8601C3 Up <up@x>"))));
  }

  @Test
  void aMissingKeyringIsAFaultOfTheSetUpNotOfTheUpload() {
    RecordingCommandRunner runner = new RecordingCommandRunner();
    UploaderKeyring keyring = new UploaderKeyring(runner, dir.resolve("missing.gpg"));
    SigningKeyException e =
        assertThrows(SigningKeyException.class, () -> keyring.verify(dir.resolve("x.changes")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    assertEquals(List.of(), runner.commands());
  }
}
