package org.perestroika.publisher.apt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.CommandResult;
import org.perestroika.publisher.InvalidUploadException;
import org.perestroika.publisher.signing.UploaderKeyring;
import org.perestroika.testing.FakeUploads;
import org.perestroika.testing.RecordingCommandRunner;

class DebUploadTest {
  @TempDir Path dir;

  private String rejection(Path changes) {
    return rejection(() -> DebUpload.check(changes));
  }

  private static String rejection(org.junit.jupiter.api.function.Executable check) {
    return assertThrows(InvalidUploadException.class, check).getMessage();
  }

  @Test
  void acceptsAConsistentUpload() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("perestroika-hello_1.0-1_amd64.deb", new byte[] {1, 2});
    files.put("perestroika-hello_1.0-1_amd64.buildinfo", new byte[] {3});
    files.put("perestroika-hello_1.0-1.dsc", new byte[] {4});
    DebUpload upload = DebUpload.check(FakeUploads.write(dir, "1.0-1", files));
    assertEquals(dir.toAbsolutePath(), upload.directory());
    assertEquals(
        List.of("perestroika-hello_1.0-1_amd64.deb", "perestroika-hello_1.0-1.dsc"),
        upload.packageFileNames());
  }

  @Test
  void refusesNamesThatLeaveTheDirectory() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("../perestroika-hello_1.0-1_amd64.deb", new byte[] {1});
    Path changes = FakeUploads.write(dir.resolve("up"), "1.0-1", files);
    String message = rejection(changes);
    assertTrue(message.contains("lists '../perestroika-hello_1.0-1_amd64.deb'"), message);
    assertTrue(message.contains("not a plain file name"), message);
    assertTrue(message.startsWith(changes.toAbsolutePath().toString()), message);
  }

  @Test
  void refusesSymbolicLinks() throws IOException {
    Path changes = FakeUploads.deb(dir, "1.0-1", "deb");
    Path deb = dir.resolve("perestroika-hello_1.0-1_amd64.deb");
    Path real = Files.move(deb, dir.resolve("elsewhere.deb"));
    Files.createSymbolicLink(deb, real);
    String message = rejection(changes);
    assertTrue(message.contains(deb.toAbsolutePath() + " is a symbolic link"), message);
  }

  @Test
  void refusesMissingFilesAndMismatches() throws IOException {
    Path changes = FakeUploads.deb(dir, "1.0-1", "deb");
    Path deb = dir.resolve("perestroika-hello_1.0-1_amd64.deb");
    Files.writeString(deb, "DEB");
    String message = rejection(changes);
    assertTrue(message.contains("has sha256 "), message);
    assertTrue(message.contains("copy it again or rebuild"), message);
    Files.writeString(deb, "longer");
    message = rejection(changes);
    assertTrue(message.contains("is 6 bytes but"), message);
    Files.delete(deb);
    message = rejection(changes);
    assertTrue(message.contains(deb.toAbsolutePath() + " is missing"), message);
  }

  @Test
  void refusesMissingAndMalformedChangesFiles() throws IOException {
    String message = rejection(dir.resolve("none.changes"));
    assertTrue(message.contains("does not exist"), message);
    Path changes = FakeUploads.deb(dir, "1.0-1", "deb");
    Files.writeString(
        changes,
        Files.readString(changes).replace("Version: 1.0-1", "Version: one"),
        StandardCharsets.UTF_8);
    message = rejection(changes);
    assertTrue(message.contains(changes.toAbsolutePath() + ":7: "), message);
    assertTrue(message.contains("rebuild the package"), message);
  }

  @Test
  void aSignedUploadIsReadFromWhatItsSignatureCoversAndMustSayNothingElse() throws IOException {
    Path changes = FakeUploads.deb(dir, "1.0-1", "deb");
    String body = Files.readString(changes);
    Files.writeString(
        changes,
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            + body
            + "-----BEGIN PGP SIGNATURE-----\n\nc2lnbmF0dXJl\n-----END PGP SIGNATURE-----\n");
    Path keyring = Files.writeString(dir.resolve("uploaders.gpg"), "keys");
    String good =
        "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG 0FCB19B53D8601C3 Up\n[GNUPG:] VALIDSIG "
            + "A".repeat(40)
            + " 2026-11-21 1795303254 0 4 0 22 8 01 "
            + "A".repeat(40)
            + "\n";
    List<String> covered = new ArrayList<>(List.of(body));
    UploaderKeyring uploaders =
        new UploaderKeyring(
            new RecordingCommandRunner(command -> new CommandResult(0, covered.get(0), good)),
            keyring);

    DebUpload upload = DebUpload.check(changes, Optional.of(uploaders));
    assertEquals(DebUpload.check(changes), upload);
    assertTrue(upload.changelog().contains("Source commit: "), upload.changelog());

    covered.set(0, body.replace("Maintainer: Perestroika", "Maintainer: Someone"));
    String message = rejection(() -> DebUpload.check(changes, Optional.of(uploaders)));
    assertEquals(
        changes.toAbsolutePath()
            + " holds text that its signature does not cover: sign the whole .changes again",
        message);
  }

  @Test
  void refusesAnUploadWithoutPackages() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("perestroika-hello_1.0-1_amd64.buildinfo", new byte[] {3});
    String message = rejection(FakeUploads.write(dir, "1.0-1", files));
    assertTrue(message.contains("lists no .deb, .udeb or .dsc"), message);
  }
}
