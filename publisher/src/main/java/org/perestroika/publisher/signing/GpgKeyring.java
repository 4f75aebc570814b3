package org.perestroika.publisher.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive signing key: one secret key in a GnuPG home of its own, used only through gpg, so the
 * key material never leaves that directory.
 */
public final class GpgKeyring {
  public static final String GENERATED_USER_ID =
      "Perestroika Archive Signing Key <archive@perestroika.invalid>";

  /** apt warns about SHA-1 and will refuse it; every signature and certification uses SHA-512. */
  static final String GPG_CONF =
      "# Written by perestroika: signatures and certifications made here use SHA-512.\n"
          + "personal-digest-preferences SHA512\n"
          + "cert-digest-algo SHA512\n";

  private static final Logger log = LoggerFactory.getLogger(GpgKeyring.class);
  private static final Pattern KEY_ID = Pattern.compile("[0-9A-F]{8}|[0-9A-F]{16}|[0-9A-F]{40}");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private final CommandRunner runner;
  private final Path home;
  private final String fingerprint;

  private GpgKeyring(CommandRunner runner, Path home, String fingerprint) {
    this.runner = runner;
    this.home = home;
    this.fingerprint = fingerprint;
  }

  /**
   * Opens the signing key in {@code gnupgHome}, creating the home (mode 0700) when it does not
   * exist.
   *
   * @param keyId the key to sign with (fingerprint or long key id); when empty, the one secret key
   *     the home holds, or a new RSA 4096 key generated on first use
   * @throws SigningKeyException when the configured key is not there, the home holds several keys
   *     and none was chosen, or the home is open to other users
   */
  public static GpgKeyring open(CommandRunner runner, Path gnupgHome, Optional<String> keyId) {
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(keyId, "keyId");
    Path home = gnupgHome.toAbsolutePath().normalize();
    Optional<String> wanted = keyId.map(GpgKeyring::normalizeKeyId);
    prepareHome(home);
    List<SecretKey> keys = listSecretKeys(runner, home);
    if (wanted.isPresent()) {
      String id = wanted.get();
      SecretKey key =
          keys.stream()
              .filter(candidate -> candidate.fingerprint().endsWith(id))
              .findFirst()
              .orElseThrow(
                  () ->
                      new SigningKeyException(
                          "no secret key "
                              + keyId.get()
                              + " in GnuPG home "
                              + home
                              + " (it holds "
                              + describe(keys)
                              + "): import it with `gpg --homedir "
                              + home
                              + " --import key.asc`"));
      return new GpgKeyring(runner, home, usable(key, home));
    }
    if (keys.size() > 1) {
      throw new SigningKeyException(
          "GnuPG home "
              + home
              + " holds "
              + keys.size()
              + " secret keys ("
              + describe(keys)
              + "): configure the key id of the one to sign with");
    }
    if (keys.size() == 1) {
      return new GpgKeyring(runner, home, usable(keys.get(0), home));
    }
    runner.check(
        gpg(
            home,
            "--passphrase",
            "",
            "--quick-gen-key",
            GENERATED_USER_ID,
            "rsa4096",
            "sign",
            "never"));
    List<SecretKey> generated = listSecretKeys(runner, home);
    if (generated.size() != 1) {
      throw new SigningKeyException(
          "generating a signing key in " + home + " left " + describe(generated));
    }
    String fingerprint = generated.get(0).fingerprint();
    log.info("generated archive signing key {} in {}", fingerprint, home);
    return new GpgKeyring(runner, home, fingerprint);
  }

  /** The full fingerprint of the signing key, for logs and for clients to pin. */
  public String fingerprint() {
    return fingerprint;
  }

  /** Writes {@code inRelease}: {@code release} with an inline signature, as apt fetches first. */
  public void clearsign(Path release, Path inRelease) {
    write(inRelease, sign("--output", inRelease.toString(), "--clearsign", release.toString()));
  }

  /**
   * Writes {@code releaseGpg}: an armored detached signature of {@code release}, as Debian does.
   */
  public void detachSign(Path release, Path releaseGpg) {
    write(
        releaseGpg,
        sign("--armor", "--output", releaseGpg.toString(), "--detach-sign", release.toString()));
  }

  /**
   * Writes the public key as a binary keyring (what apt's {@code signed-by} expects) to {@code
   * keyringFile}.
   */
  public void exportPublicKey(Path keyringFile) {
    write(
        keyringFile,
        gpg(
            home,
            "--yes",
            "--export-options",
            "export-minimal",
            "--output",
            keyringFile.toString(),
            "--export",
            fingerprint));
    try {
      if (!Files.isRegularFile(keyringFile) || Files.size(keyringFile) == 0) {
        throw new SigningKeyException(
            "gpg exported nothing for key " + fingerprint + " to " + keyringFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a binary detached signature of an exported keyring beside it (see {@link #signatureOf}).
   */
  public void signKeyring(Path keyringFile) {
    Path signature = signatureOf(keyringFile);
    write(
        signature, sign("--output", signature.toString(), "--detach-sign", keyringFile.toString()));
  }

  /**
   * Runs gpg to write {@code output} as a new file. gpg truncates an existing output in place,
   * which would also change every hard link to it, such as the same file in an older snapshot.
   */
  private void write(Path output, Command command) {
    try {
      Files.deleteIfExists(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runner.check(command);
  }

  /**
   * Writes the public key ASCII-armored to {@code keyFile}, as rpm and dnf import it ({@code
   * RPM-GPG-KEY-*}).
   */
  public void exportArmoredPublicKey(Path keyFile) {
    write(
        keyFile,
        gpg(
            home,
            "--yes",
            "--armor",
            "--export-options",
            "export-minimal",
            "--output",
            keyFile.toString(),
            "--export",
            fingerprint));
  }

  /**
   * Adds the key's signature to each RPM in place, with rpmsign driving gpg unattended: batch mode
   * and loopback pinentry, so a passphrase comes from gpg-agent's cache (gpg-preset-passphrase) and
   * nothing ever waits on a terminal. The signature uses SHA-256, which every rpm since CentOS 7
   * verifies.
   *
   * @throws SigningKeyException when a package carries no signature by this key afterwards
   */
  public void signRpms(List<Path> rpms) {
    if (rpms.isEmpty()) {
      return;
    }
    List<String> argv =
        new ArrayList<>(
            List.of(
                "rpmsign",
                "--addsign",
                "--define",
                "_gpg_path " + home,
                "--define",
                "_gpg_name " + fingerprint,
                "--define",
                "__gpg /usr/bin/gpg",
                "--define",
                "_gpg_digest_algo sha256",
                "--define",
                "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback"));
    rpms.forEach(rpm -> argv.add(rpm.toString()));
    runner.check(Command.of(argv));
    String keyId = fingerprint.substring(fingerprint.length() - 16).toLowerCase(Locale.ROOT);
    for (Path rpm : rpms) {
      String signature =
          runner
              .check(
                  Command.of(
                      "rpm",
                      "-qp",
                      "--qf",
                      "%{RSAHEADER:pgpsig}%{DSAHEADER:pgpsig}",
                      rpm.toString()))
              .stdout();
      if (!signature.toLowerCase(Locale.ROOT).contains("key id " + keyId)) {
        throw new SigningKeyException(
            "rpmsign left "
                + rpm.getFileName()
                + " without a signature by "
                + fingerprint
                + " (it shows '"
                + signature.strip()
                + "')");
      }
    }
  }

  /**
   * Where a keyring's detached signature lives: the mirror layout pairs {@code
   * mos-archive-keyring.gpg} with {@code mos-archive-keyring.sig}.
   */
  public static Path signatureOf(Path keyringFile) {
    String name = keyringFile.getFileName().toString();
    String stem = name.endsWith(".gpg") ? name.substring(0, name.length() - 4) : name;
    return keyringFile.resolveSibling(stem + ".sig");
  }

  @Override
  public String toString() {
    return "GpgKeyring[" + fingerprint + "]";
  }

  private Command sign(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("--yes");
    argv.add("--digest-algo");
    argv.add("SHA512");
    argv.add("--local-user");
    argv.add(fingerprint);
    argv.addAll(List.of(args));
    return gpg(home, argv.toArray(String[]::new));
  }

  private static Command gpg(Path home, String... args) {
    List<String> argv = new ArrayList<>(List.of("gpg", "--batch", "--homedir", home.toString()));
    argv.addAll(List.of(args));
    return Command.of(argv);
  }

  private static String normalizeKeyId(String keyId) {
    String id = keyId.strip().toUpperCase(Locale.ROOT).replace(" ", "");
    if (id.startsWith("0X")) {
      id = id.substring(2);
    }
    if (!KEY_ID.matcher(id).matches()) {
      throw new SigningKeyException(
          "signing key id '"
              + keyId
              + "' is not a fingerprint or key id (8, 16 or 40 hexadecimal digits)");
    }
    return id;
  }

  private static void prepareHome(Path home) {
    try {
      if (Files.notExists(home, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(home.getParent());
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        // createDirectory's mode is filtered by the umask; the home must be exactly 0700.
        Files.setPosixFilePermissions(home, OWNER_ONLY);
      }
      if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
        throw new SigningKeyException("GnuPG home " + home + " is not a directory");
      }
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(home);
      if (!OWNER_ONLY.containsAll(permissions)) {
        throw new SigningKeyException(
            "GnuPG home "
                + home
                + " is open to other users ("
                + PosixFilePermissions.toString(permissions)
                + "): it holds the archive's secret key, run `chmod 700 "
                + home
                + "`");
      }
      boolean empty;
      try (Stream<Path> entries = Files.list(home)) {
        empty = entries.findAny().isEmpty();
      }
      if (empty) {
        Files.writeString(home.resolve("gpg.conf"), GPG_CONF, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new SigningKeyException("cannot prepare GnuPG home " + home + ": " + e, e);
    }
  }

  private static List<SecretKey> listSecretKeys(CommandRunner runner, Path home) {
    CommandResult result =
        runner.check(gpg(home, "--with-colons", "--fixed-list-mode", "--list-secret-keys"));
    return parseSecretKeys(result.stdout());
  }

  /** Reads primary secret keys from gpg's colon listing: a "sec" record, then its "fpr". */
  static List<SecretKey> parseSecretKeys(String colons) {
    List<SecretKey> keys = new ArrayList<>();
    String[] primary = null;
    for (String line : colons.split("\n")) {
      String[] fields = line.split(":", -1);
      if (fields[0].equals("sec")) {
        primary = fields;
      } else if (fields[0].equals("fpr") && primary != null && fields.length > 9) {
        String validity = primary.length > 1 ? primary[1] : "";
        String capabilities = primary.length > 11 ? primary[11] : "";
        keys.add(new SecretKey(fields[9].toUpperCase(Locale.ROOT), validity, capabilities));
        primary = null;
      } else if (!fields[0].equals("fpr") && !fields[0].equals("grp")) {
        primary = null;
      }
    }
    return List.copyOf(keys);
  }

  private static String usable(SecretKey key, Path home) {
    if (key.validity().equals("r") || key.validity().equals("e")) {
      throw new SigningKeyException(
          "secret key "
              + key.fingerprint()
              + " in "
              + home
              + " is "
              + (key.validity().equals("r") ? "revoked" : "expired")
              + ": import or configure a valid signing key");
    }
    if (!key.capabilities().contains("S")) {
      throw new SigningKeyException(
          "secret key "
              + key.fingerprint()
              + " in "
              + home
              + " cannot sign (capabilities '"
              + key.capabilities()
              + "'): configure a signing key");
    }
    return key.fingerprint();
  }

  private static String describe(List<SecretKey> keys) {
    if (keys.isEmpty()) {
      return "no secret keys";
    }
    return String.join(", ", keys.stream().map(SecretKey::fingerprint).toList());
  }

  /** A primary secret key as gpg lists it. */
  record SecretKey(String fingerprint, String validity, String capabilities) {}
}
