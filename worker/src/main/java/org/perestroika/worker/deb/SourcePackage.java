package org.perestroika.worker.deb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.perestroika.core.debian.ChangelogEntry;
import org.perestroika.core.debian.CommitLines;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.DebianChangelog;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.version.DebianVersion;

/**
 * A Debian source package as given on the command line, checked before any container starts: either
 * a .dsc with the files it lists, or an unpacked tree with debian/ (and the orig tarballs beside it
 * unless it is native).
 *
 * @param path the .dsc file or the tree
 * @param stagedTree the directory name the tree is copied to for the build, null for a .dsc
 * @param companions files copied beside it: a .dsc's files, or a tree's orig tarballs
 */
record SourcePackage(
    String name, DebianVersion version, Path path, String stagedTree, List<Path> companions) {

  SourcePackage {
    companions = List.copyOf(companions);
  }

  /** The log's file name, after sbuild's own convention. */
  String logFileName() {
    String version = this.version.toString();
    return name + "_" + version.substring(version.indexOf(':') + 1) + ".build";
  }

  /**
   * The tree's debian/changelog with the lines naming {@code commits} in its top entry, as the
   * build should see it. Read as ISO-8859-1 so that every other byte stays as it was.
   *
   * @throws InvalidSourceException for a .dsc, whose changelog is sealed in its tarballs, or when
   *     the top entry names other commits
   */
  byte[] changelogWith(SourceCommits commits) {
    if (stagedTree == null) {
      throw new InvalidSourceException(
          path
              + " is a .dsc, built as it is: the commit lines cannot be added to its changelog;"
              + " build its source tree to have them added");
    }
    Path changelog = path.resolve("debian/changelog");
    try {
      String text = Files.readString(changelog, StandardCharsets.ISO_8859_1);
      return CommitLines.addTo(text, commits, changelog.toString())
          .getBytes(StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + changelog + ": " + e.getMessage(), e);
    }
  }

  static SourcePackage inspect(Path given) {
    Path source = given.toAbsolutePath().normalize();
    if (Files.isDirectory(source)) {
      return tree(source);
    }
    if (Files.isRegularFile(source) && source.getFileName().toString().endsWith(".dsc")) {
      return dsc(source);
    }
    throw new InvalidSourceException(
        source
            + " is neither a .dsc file nor a directory: give a .dsc or an unpacked source tree"
            + " with debian/");
  }

  private static SourcePackage tree(Path dir) {
    ChangelogEntry top = DebianChangelog.readTopEntry(dir.resolve("debian/changelog"));
    String format = sourceFormat(dir);
    List<Path> origs = origTarballs(dir.getParent(), top.source(), top.version().upstream());
    boolean native_ = format.equals("3.0 (native)") || top.version().revision().isEmpty();
    if (!native_ && origs.isEmpty()) {
      throw new InvalidSourceException(
          dir
              + " is a non-native package ("
              + top.version()
              + ", format "
              + format
              + ") but no "
              + top.source()
              + "_"
              + top.version().upstream()
              + ".orig.tar.* lies beside it in "
              + dir.toAbsolutePath().getParent()
              + ": put the upstream tarball there, or use format 3.0 (native)");
    }
    return new SourcePackage(
        top.source(),
        top.version(),
        dir,
        top.source() + "-" + top.version().upstream(),
        native_ ? List.of() : origs);
  }

  private static SourcePackage dsc(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidSourceException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Deb822.Paragraph> paragraphs = Deb822.parse(text, file.toString());
    if (paragraphs.isEmpty()) {
      throw new InvalidSourceException(file + " is empty: a .dsc needs Source, Version and Files");
    }
    Deb822.Paragraph dsc = paragraphs.get(0);
    String name = dsc.require("Source");
    DebianVersion version;
    try {
      version = DebianVersion.parse(dsc.require("Version"));
    } catch (IllegalArgumentException e) {
      throw dsc.error(dsc.field("Version").orElseThrow().line(), e.getMessage());
    }
    List<Path> files = new ArrayList<>();
    for (Deb822.Line line : dsc.lines("Checksums-Sha256")) {
      String[] parts = line.text().split("\\s+");
      if (parts.length != 3 || parts[2].contains("/")) {
        throw dsc.error(line.number(), "expected `sha256 size name`, got: " + line.text());
      }
      Path companion = file.resolveSibling(parts[2]);
      if (!Files.isRegularFile(companion)) {
        throw new InvalidSourceException(
            file + " lists " + parts[2] + ", which is not beside it: copy it there");
      }
      if (!sha256(companion).equals(parts[0])) {
        throw new InvalidSourceException(
            companion + " does not match the sha256 that " + file.getFileName() + " gives for it");
      }
      files.add(companion);
    }
    if (files.isEmpty()) {
      throw dsc.error(1, "no Checksums-Sha256 field: this .dsc lists no files");
    }
    return new SourcePackage(name, version, file, null, files);
  }

  private static String sourceFormat(Path dir) {
    Path format = dir.resolve("debian/source/format");
    try {
      return Files.exists(format) ? Files.readString(format).strip() : "1.0";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> origTarballs(Path parent, String source, String upstream) {
    if (parent == null) {
      return List.of();
    }
    String prefix = source + "_" + upstream + ".orig";
    try (Stream<Path> siblings = Files.list(parent)) {
      return siblings
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(
              p ->
                  p.getFileName()
                      .toString()
                      .matches(".*\\.orig(-[A-Za-z0-9-]+)?\\.tar\\.[a-z0-9]+(\\.asc)?"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
