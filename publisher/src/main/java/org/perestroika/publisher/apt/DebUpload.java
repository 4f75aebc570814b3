package org.perestroika.publisher.apt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.file.Sha256;
import org.perestroika.publisher.InvalidUploadException;

/**
 * A .changes file and the files it lists, checked before anything is published: every file is a
 * plain name beside the .changes, a regular file, and matches its listed size and SHA-256.
 */
record DebUpload(Path changesFile, ChangesFile changes) {
  private static final List<String> PACKAGE_SUFFIXES = List.of(".deb", ".udeb", ".dsc");

  DebUpload {
    Objects.requireNonNull(changesFile, "changesFile");
    Objects.requireNonNull(changes, "changes");
  }

  /**
   * @throws InvalidUploadException naming the file at fault and what to do about it
   */
  static DebUpload check(Path changesFile) {
    Path path = changesFile.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(path)) {
      throw new InvalidUploadException(
          path + " is a symbolic link: pass the .changes file itself, beside its files");
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidUploadException(
          path + " does not exist or is not a file: pass the .changes file the build produced");
    }
    ChangesFile changes;
    try {
      changes = ChangesFile.read(path);
    } catch (MalformedControlFileException e) {
      throw new InvalidUploadException(
          "not a usable .changes file: " + e.getMessage() + ": rebuild the package", e);
    } catch (IllegalArgumentException e) {
      throw new InvalidUploadException(
          path + " is not a usable .changes file: " + e.getMessage() + ": rebuild the package", e);
    } catch (UncheckedIOException e) {
      throw new InvalidUploadException(e.getMessage(), e);
    }
    boolean hasPackage = false;
    for (ChangesFile.Entry entry : changes.files()) {
      checkFile(path, entry);
      hasPackage |= PACKAGE_SUFFIXES.stream().anyMatch(entry.name()::endsWith);
    }
    if (!hasPackage) {
      throw new InvalidUploadException(
          path + " lists no .deb, .udeb or .dsc file, so there is nothing to publish");
    }
    return new DebUpload(path, changes);
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
