package org.perestroika.publisher.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;

class GpgKeyringTest {
  private static final String FPR_A = "4963DC23EEB04004671622C697DAFC274E6330D8";
  private static final String FPR_B = "0123456789ABCDEF0123456789ABCDEF01234567";

  @TempDir Path dir;

  private static String listing(String fingerprint, String validity, String capabilities) {
    return "sec:"
        + validity
        + ":4096:1:97DAFC274E6330D8:1795294018:::u:::"
        + capabilities
        + ":::+:::23::0:\n"
        + "fpr:::::::::"
        + fingerprint
        + ":\n"
        + "grp:::::::::C564132A99C608E21DE2ACE1239373B34C4B3E73:\n"
        + "uid:u::::1795294018::4A1C::Perestroika Archive Signing Key"
        + " <archive@perestroika.invalid>::::::::::0:\n"
        + "ssb:u:4096:1:1111111111111111:1795294018::::::e:::+:::23:\n"
        + "fpr:::::::::1111111111111111111111111111111111111111:\n";
  }

  /** Answers gpg's key listing with {@code listing}, and writes a byte where an export goes. */
  private static RecordingCommandRunner answering(String listing) {
    return new RecordingCommandRunner(
        command -> {
          List<String> argv = command.argv();
          if (argv.contains("--export")) {
            try {
              Files.write(Path.of(argv.get(argv.indexOf("--output") + 1)), new byte[] {1});
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
          return argv.contains("--list-secret-keys")
              ? new CommandResult(0, listing, "")
              : new CommandResult(0, "", "");
        });
  }

  @Test
  void usesTheOneKeyTheHomeHolds() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    RecordingCommandRunner runner = answering(listing(FPR_A, "u", "scSC"));
    GpgKeyring keyring = GpgKeyring.open(runner, home, Optional.empty());
    assertEquals(FPR_A, keyring.fingerprint());
    assertEquals(
        List.of(
            "gpg --batch --homedir "
                + home
                + " --with-colons --fixed-list-mode --list-secret-keys"),
        runner.commandLines());
  }

  @Test
  void signsWithSha512AndTheChosenKey() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    RecordingCommandRunner runner = answering(listing(FPR_A, "u", "scSC"));
    GpgKeyring keyring = GpgKeyring.open(runner, home, Optional.of("97dafc274e6330d8"));
    Path keyFile = dir.resolve("project/mos-archive-keyring.gpg");
    Files.createDirectories(keyFile.getParent());
    keyring.clearsign(Path.of("/r/dists/s/Release"), Path.of("/r/dists/s/InRelease"));
    keyring.detachSign(Path.of("/r/dists/s/Release"), Path.of("/r/dists/s/Release.gpg"));
    keyring.exportPublicKey(keyFile);
    keyring.signKeyring(keyFile);
    String gpg = "gpg --batch --homedir " + home;
    String sign = gpg + " --yes --digest-algo SHA512 --local-user " + FPR_A;
    assertEquals(
        List.of(
            gpg + " --with-colons --fixed-list-mode --list-secret-keys",
            sign + " --output /r/dists/s/InRelease --clearsign /r/dists/s/Release",
            sign + " --armor --output /r/dists/s/Release.gpg --detach-sign /r/dists/s/Release",
            gpg
                + " --yes --export-options export-minimal --output "
                + keyFile
                + " --export "
                + FPR_A,
            sign
                + " --output "
                + dir.resolve("project/mos-archive-keyring.sig")
                + " --detach-sign "
                + keyFile),
        runner.commandLines());
  }

  @Test
  void signsRpmsUnattendedAndChecksEachCarriesTheSignature() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command ->
                command.argv().contains("--list-secret-keys")
                    ? new CommandResult(0, listing(FPR_A, "u", "scSC"), "")
                    : command.argv().get(0).equals("rpm")
                        ? new CommandResult(
                            0, "RSA/SHA256, Sun Nov 22 2026, Key ID 97dafc274e6330d8", "")
                        : new CommandResult(0, "", ""));
    GpgKeyring keyring = GpgKeyring.open(runner, home, Optional.empty());

    keyring.signRpms(List.of(Path.of("/in/a.rpm"), Path.of("/in/a.src.rpm")));

    assertEquals(
        List.of(
            "rpmsign --addsign --define _gpg_path "
                + home
                + " --define _gpg_name "
                + FPR_A
                + " --define __gpg /usr/bin/gpg --define _gpg_digest_algo sha256 --define"
                + " _gpg_sign_cmd_extra_args --batch --pinentry-mode loopback /in/a.rpm"
                + " /in/a.src.rpm",
            "rpm -qp --qf %{RSAHEADER:pgpsig}%{DSAHEADER:pgpsig} /in/a.rpm",
            "rpm -qp --qf %{RSAHEADER:pgpsig}%{DSAHEADER:pgpsig} /in/a.src.rpm"),
        runner.commandLines().subList(1, 4));
  }

  @Test
  void anRpmLeftUnsignedIsAFault() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command ->
                command.argv().contains("--list-secret-keys")
                    ? new CommandResult(0, listing(FPR_A, "u", "scSC"), "")
                    : new CommandResult(
                        0, command.argv().get(0).equals("rpm") ? "(none)" : "", ""));
    GpgKeyring keyring = GpgKeyring.open(runner, home, Optional.empty());

    SigningKeyException e =
        assertThrows(
            SigningKeyException.class, () -> keyring.signRpms(List.of(Path.of("/in/a.rpm"))));

    assertTrue(e.getMessage().contains("a.rpm without a signature by " + FPR_A), e.getMessage());
  }

  @Test
  void generatesAKeyInANewHomeWithSha512Preferences() throws IOException {
    Path home = dir.resolve("var/lib/perestroika/gnupg");
    List<String> listings = new ArrayList<>(List.of("", listing(FPR_B, "u", "scSC")));
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            (Command command) ->
                command.argv().contains("--list-secret-keys")
                    ? new CommandResult(0, listings.remove(0), "")
                    : new CommandResult(0, "", ""));
    GpgKeyring keyring = GpgKeyring.open(runner, home, Optional.empty());
    assertEquals(FPR_B, keyring.fingerprint());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
    String conf = Files.readString(home.resolve("gpg.conf"));
    assertTrue(conf.contains("\npersonal-digest-preferences SHA512\n"), conf);
    assertTrue(conf.contains("\ncert-digest-algo SHA512\n"), conf);
    String gpg = "gpg --batch --homedir " + home;
    assertEquals(
        List.of(
            gpg + " --with-colons --fixed-list-mode --list-secret-keys",
            gpg
                + " --passphrase  --quick-gen-key Perestroika Archive Signing Key"
                + " <archive@perestroika.invalid> rsa4096 sign never",
            gpg + " --with-colons --fixed-list-mode --list-secret-keys"),
        runner.commandLines());
    assertEquals(
        List.of(
            "gpg",
            "--batch",
            "--homedir",
            home.toString(),
            "--passphrase",
            "",
            "--quick-gen-key",
            "Perestroika Archive Signing Key <archive@perestroika.invalid>",
            "rsa4096",
            "sign",
            "never"),
        runner.commands().get(1).argv());
  }

  @Test
  void doesNotTouchTheConfOfAHomeInUse() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(home.resolve("pubring.kbx"), "");
    GpgKeyring.open(answering(listing(FPR_A, "u", "scSC")), home, Optional.empty());
    assertFalse(Files.exists(home.resolve("gpg.conf")));
  }

  @Test
  void missingConfiguredKeyNamesIdHomeAndImportCommand() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    SigningKeyException e =
        assertThrows(
            SigningKeyException.class,
            () ->
                GpgKeyring.open(
                    answering(listing(FPR_A, "u", "scSC")), home, Optional.of("0x" + FPR_B)));
    assertEquals(
        "no secret key 0x"
            + FPR_B
            + " in GnuPG home "
            + home
            + " (it holds "
            + FPR_A
            + "): import it with `gpg --homedir "
            + home
            + " --import key.asc`",
        e.getMessage());
  }

  @Test
  void refusesToGuessBetweenSeveralKeys() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    SigningKeyException e =
        assertThrows(
            SigningKeyException.class,
            () ->
                GpgKeyring.open(
                    answering(listing(FPR_A, "u", "scSC") + listing(FPR_B, "u", "scSC")),
                    home,
                    Optional.empty()));
    assertTrue(e.getMessage().contains("holds 2 secret keys (" + FPR_A + ", " + FPR_B + ")"));
    assertTrue(e.getMessage().contains("configure the key id"));
  }

  @Test
  void refusesUnusableKeysAndUnsafeHomes() throws IOException {
    Path home = Files.createDirectory(dir.resolve("gnupg"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    assertTrue(
        assertThrows(
                SigningKeyException.class,
                () ->
                    GpgKeyring.open(answering(listing(FPR_A, "r", "scSC")), home, Optional.empty()))
            .getMessage()
            .contains("is revoked"));
    assertTrue(
        assertThrows(
                SigningKeyException.class,
                () -> GpgKeyring.open(answering(listing(FPR_A, "u", "eE")), home, Optional.empty()))
            .getMessage()
            .contains("cannot sign"));
    assertTrue(
        assertThrows(
                SigningKeyException.class,
                () -> GpgKeyring.open(answering(""), home, Optional.of("not-hex")))
            .getMessage()
            .contains("is not a fingerprint or key id"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    SigningKeyException open =
        assertThrows(
            SigningKeyException.class,
            () -> GpgKeyring.open(answering(""), home, Optional.empty()));
    assertTrue(open.getMessage().contains("chmod 700 " + home), open.getMessage());
  }

  @Test
  void parsesOnlyPrimaryKeys() {
    assertEquals(
        List.of(new GpgKeyring.SecretKey(FPR_A, "u", "scSC")),
        GpgKeyring.parseSecretKeys(listing(FPR_A, "u", "scSC")));
  }
}
