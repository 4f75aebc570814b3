package org.perestroika.publisher.apt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.file.Sha256;
import org.perestroika.publisher.InvalidUploadException;
import org.perestroika.publisher.signing.UploaderKeyring;

/**
 * A .changes file and the files it lists, checked before anything is published: every file is a
 * plain name beside the .changes, a regular file, and matches its listed size and SHA-256; when
 * uploads must be signed, the .changes is clearsigned by a trusted uploader key.
 *
 * @param changelog the .changes' Changes field: the changelog entries the upload carries
 */
record DebUpload(Path changesFile, ChangesFile changes, String changelog) {
  private static final List<String> PACKAGE_SUFFIXES = List.of(".deb", ".udeb", ".dsc");

  DebUpload {
    Objects.requireNonNull(changesFile, "changesFile");
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(changelog, "changelog");
  }

  /** Checks an upload from this host's own builds, signed or not. */
  static DebUpload check(Path changesFile) {
    return check(changesFile, Optional.empty());
  }

  /**
   * @param uploaders when present, the .changes must be signed by one of these keys, and what the
   *     signature covers is what is read
   * @throws InvalidUploadException naming the file at fault and what to do about it
   */
  static DebUpload check(Path changesFile, Optional<UploaderKeyring> uploaders) {
    Path path = changesFile.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(path)) {
      throw new InvalidUploadException(
          path + " is a symbolic link: pass the .changes file itself, beside its files");
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidUploadException(
          path + " does not exist or is not a file: pass the .changes file the build produced");
    }
    String text;
    try {
      // Decoded as gpgv's output is, so a signed upload compares equal to its signed text.
      text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidUploadException("cannot read " + path + ": " + e.getMessage(), e);
    }
    DebUpload upload = parse(path, text);
    if (uploaders.isPresent()) {
      UploaderKeyring.Verification verification = uploaders.get().verify(path);
      if (verification instanceof UploaderKeyring.Verification.Refused refused) {
        throw new InvalidUploadException(path + " " + refused.reason());
      }
      String signedText = ((UploaderKeyring.Verification.Verified) verification).text();
      DebUpload signed = parse(path, signedText);
      // reprepro reads the file itself, so the file must say exactly what the signature covers.
      if (!fields(path, signedText).equals(fields(path, text))) {
        throw new InvalidUploadException(
            path
                + " holds text that its signature does not cover: sign the whole .changes"
                + " again");
      }
      upload = signed;
    }
    boolean hasPackage = false;
    for (ChangesFile.Entry entry : upload.changes().files()) {
      checkFile(path, entry);
      hasPackage |= PACKAGE_SUFFIXES.stream().anyMatch(entry.name()::endsWith);
    }
    if (!hasPackage) {
      throw new InvalidUploadException(
          path + " lists no .deb, .udeb or .dsc file, so there is nothing to publish");
    }
    return upload;
  }

  /** Every field of every paragraph, as "Name: value", with any signature wrapper removed. */
  private static List<String> fields(Path path, String text) {
    return Deb822.parse(text, path.toString()).stream()
        .flatMap(paragraph -> paragraph.fields().stream())
        .map(field -> field.name() + ": " + field.value())
        .toList();
  }

  private static DebUpload parse(Path path, String text) {
    try {
      ChangesFile changes = ChangesFile.parse(text, path.toString());
      String changelog = Deb822.parse(text, path.toString()).get(0).value("Changes").orElse("");
      return new DebUpload(path, changes, changelog);
    } catch (MalformedControlFileException e) {
      throw new InvalidUploadException(
          "not a usable .changes file: " + e.getMessage() + ": rebuild the package", e);
    } catch (IllegalArgumentException e) {
      throw new InvalidUploadException(
          path + " is not a usable .changes file: " + e.getMessage() + ": rebuild the package", e);
    }
  }

  Path directory() {
    return changesFile.getParent();
  }

  /** The upload's package files (.deb, .udeb, .dsc), which a suite lists once published. */
  List<String> packageFileNames() {
    return changes.fileNames().stream()
        .filter(name -> PACKAGE_SUFFIXES.stream().anyMatch(name::endsWith))
        .toList();
  }

  private static void checkFile(Path changesFile, ChangesFile.Entry entry) {
    String name = entry.name();
    if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new InvalidUploadException(
          changesFile
              + " lists '"
              + name
              + "', which is not a plain file name: an upload may only name files beside its"
              + " .changes; rebuild the package");
    }
    Path file = changesFile.resolveSibling(name);
    if (Files.isSymbolicLink(file)) {
      throw new InvalidUploadException(
          file + " is a symbolic link: copy the real file beside " + changesFile.getFileName());
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidUploadException(
          file
              + " is missing: "
              + changesFile.getFileName()
              + " lists it, copy it beside the .changes or rebuild");
    }
    try {
      long size = Files.size(file);
      if (size != entry.size()) {
        throw new InvalidUploadException(
            file
                + " is "
                + size
                + " bytes but "
                + changesFile.getFileName()
                + " says "
                + entry.size()
                + ": the upload is incomplete or was changed after the build; copy it again or"
                + " rebuild");
      }
      String sha256 = sha256(file);
      if (!sha256.equals(entry.sha256())) {
        throw new InvalidUploadException(
            file
                + " has sha256 "
                + sha256
                + " but "
                + changesFile.getFileName()
                + " says "
                + entry.sha256()
                + ": the file was changed after the build; copy it again or rebuild");
      }
    } catch (IOException e) {
      throw new InvalidUploadException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static String sha256(Path file) throws IOException {
    return Sha256.of(file);
  }
}
