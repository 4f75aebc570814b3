package org.perestroika.publisher.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * One suite as published, read the way apt reads it: the Release file, then one variant of each
 * index it lists (uncompressed first), then the packages those indexes name. What cannot be read
 * becomes a problem of the suite, so that one damaged file fails certification without hiding the
 * rest.
 */
final class PublishedSuite {
  /** Index variants in the order they are read; apt accepts any of them. */
  private static final List<String> COMPRESSIONS = List.of("", ".gz", ".xz");

  private static final Pattern SOURCE_FIELD =
      Pattern.compile("([^\\s(]+)(?:\\s*\\(\\s*([^\\s)]+)\\s*\\))?");

  private final String codename;
  private final Path dir;
  private final Optional<Deb822.Paragraph> release;
  private final List<PoolFile> listed;
  private final List<IndexFile> indexes;
  private final List<Binary> binaries;
  private final List<SourcePackage> sources;
  private final List<PoolFile> poolFiles;
  private final String sourcesText;
  private final Map<String, Digest> decompressed;
  private final List<String> problems;

  private PublishedSuite(Loader loader) {
    this.codename = loader.codename;
    this.dir = loader.dir;
    this.release = loader.release;
    this.listed = List.copyOf(loader.listed);
    this.indexes = List.copyOf(loader.indexes);
    this.binaries = List.copyOf(loader.binaries);
    this.sources = List.copyOf(loader.sources);
    this.poolFiles = List.copyOf(loader.poolFiles);
    this.sourcesText = loader.sourcesText.toString();
    this.decompressed = Map.copyOf(loader.decompressed);
    this.problems = List.copyOf(loader.problems);
  }

  /**
   * @throws CheckException when a file exists but cannot be read at all
   */
  static PublishedSuite load(ReleaseTree tree, String codename, CommandRunner runner) {
    Loader loader = new Loader(tree, codename, runner);
    loader.load();
    return new PublishedSuite(loader);
  }

  String codename() {
    return codename;
  }

  Path dir() {
    return dir;
  }

  /** The Release file's fields, when it could be read. */
  Optional<Deb822.Paragraph> release() {
    return release;
  }

  /** The files the Release lists with their SHA256, paths relative to {@link #dir()}. */
  List<PoolFile> listed() {
    return listed;
  }

  List<Binary> binaries() {
    return binaries;
  }

  List<SourcePackage> sources() {
    return sources;
  }

  /** The pool files the indexes name, with the size and SHA256 the indexes give. */
  List<PoolFile> poolFiles() {
    return poolFiles;
  }

  /** What could not be read: missing or malformed Release and index files. */
  List<String> problems() {
    return problems;
  }

  /** The Packages files clients of architecture {@code arch} read, binary-all included. */
  List<Path> packagesFiles(String arch) {
    return indexes.stream()
        .filter(index -> isFor(index.directory(), arch))
        .map(IndexFile::file)
        .toList();
  }

  /** Whether an index directory (binary-amd64, source) serves binary architecture {@code arch}. */
  static boolean isFor(String directory, String arch) {
    return directory.equals("binary-" + arch) || directory.equals("binary-all");
  }

  /** The text of every Sources index read, decompressed and joined, for dose. */
  String sourcesText() {
    return sourcesText;
  }

  /** Each source package's versions, from Sources and from the binaries' Source fields. */
  Map<String, Set<String>> sourceVersions() {
    Map<String, Set<String>> versions = new TreeMap<>();
    for (SourcePackage source : sources) {
      versions.computeIfAbsent(source.name(), name -> new TreeSet<>()).add(source.version());
    }
    for (Binary binary : binaries) {
      versions
          .computeIfAbsent(binary.source(), name -> new TreeSet<>())
          .add(binary.sourceVersion());
    }
    return versions;
  }

  /** A file named by a Release or an index: its path, size and SHA256 as listed there. */
  record PoolFile(String path, long size, String sha256, String listedIn) {}

  /** One index as read: Packages or Sources, under {@code <component>/<directory>/}. */
  record IndexFile(Path file, String directory) {}

  /**
   * The size and SHA256 of an index's uncompressed form when only a compressed one is on disk:
   * Release files list the uncompressed form even then, and apt checks it after decompressing.
   */
  Optional<Digest> decompressed(String plainPath) {
    return Optional.ofNullable(decompressed.get(plainPath));
  }

  /** A binary package as an index lists it; {@code directory} is its index's, binary-amd64. */
  record Binary(
      String name,
      String version,
      String architecture,
      String source,
      String sourceVersion,
      String directory) {}

  record SourcePackage(String name, String version) {}

  private static final class Loader {
    final String codename;
    final Path dir;
    final CommandRunner runner;
    Optional<Deb822.Paragraph> release = Optional.empty();
    final List<PoolFile> listed = new ArrayList<>();
    final List<IndexFile> indexes = new ArrayList<>();
    final List<Binary> binaries = new ArrayList<>();
    final List<SourcePackage> sources = new ArrayList<>();
    final List<PoolFile> poolFiles = new ArrayList<>();
    final StringBuilder sourcesText = new StringBuilder();
    final Map<String, Digest> decompressed = new HashMap<>();
    final List<String> problems = new ArrayList<>();

    Loader(ReleaseTree tree, String codename, CommandRunner runner) {
      this.codename = codename;
      this.dir = tree.suiteDir(codename);
      this.runner = runner;
    }

    void load() {
      Path file = dir.resolve("Release");
      if (!Files.isRegularFile(file)) {
        problems.add(codename + ": the Release file is missing, so nothing in the suite is signed");
        return;
      }
      try {
        List<Deb822.Paragraph> paragraphs =
            Deb822.parse(new String(decompress(file), StandardCharsets.UTF_8), file.toString());
        if (paragraphs.size() != 1) {
          problems.add(codename + ": the Release file holds " + paragraphs.size() + " paragraphs");
          return;
        }
        release = Optional.of(paragraphs.get(0));
        for (Deb822.Line line : release.get().lines("SHA256")) {
          listed.add(checksumLine(line.text(), file + ":" + line.number(), ""));
        }
      } catch (MalformedControlFileException | IllegalArgumentException e) {
        problems.add(codename + ": the Release file cannot be read: " + e.getMessage());
        return;
      }
      if (release.get().field("SHA256").isEmpty()) {
        problems.add(codename + ": the Release file lists no SHA256 checksums");
      }
      for (IndexFile index : chooseIndexes()) {
        readIndex(index);
      }
    }

    /** Groups the listed indexes by name without compression and picks the first that exists. */
    private List<IndexFile> chooseIndexes() {
      Map<String, List<String>> variants = new LinkedHashMap<>();
      for (PoolFile entry : listed) {
        String path = entry.path();
        for (String compression : COMPRESSIONS) {
          if (!compression.isEmpty() && !path.endsWith(compression)) {
            continue;
          }
          String plain = path.substring(0, path.length() - compression.length());
          if (plain.matches("[^/]+/binary-[^/]+/Packages|[^/]+/source/Sources")) {
            variants.computeIfAbsent(plain, p -> new ArrayList<>()).add(path);
            break;
          }
        }
      }
      List<IndexFile> chosen = new ArrayList<>();
      for (Map.Entry<String, List<String>> entry : variants.entrySet()) {
        String[] parts = entry.getKey().split("/");
        COMPRESSIONS.stream()
            .map(compression -> entry.getKey() + compression)
            .filter(entry.getValue()::contains)
            .filter(path -> Files.isRegularFile(dir.resolve(path)))
            .findFirst()
            .ifPresentOrElse(
                path -> chosen.add(new IndexFile(dir.resolve(path), parts[1])),
                () ->
                    problems.add(
                        codename
                            + ": the Release lists "
                            + entry.getKey()
                            + " but no variant of it is on disk"));
      }
      return chosen;
    }

    /** Reads one index whole; a malformed one is a problem and is left out of every check. */
    private void readIndex(IndexFile index) {
      String name = index.file().toString();
      boolean isSources = index.directory().equals("source");
      List<Binary> foundBinaries = new ArrayList<>();
      List<SourcePackage> foundSources = new ArrayList<>();
      List<PoolFile> foundFiles = new ArrayList<>();
      String text;
      try {
        byte[] bytes = decompress(index.file());
        String plain = dir.relativize(index.file()).toString();
        for (String compression : COMPRESSIONS) {
          if (!compression.isEmpty() && plain.endsWith(compression)) {
            decompressed.put(
                plain.substring(0, plain.length() - compression.length()), Digest.of(bytes));
          }
        }
        text = new String(bytes, StandardCharsets.UTF_8);
        for (Deb822.Paragraph stanza : Deb822.parse(text, name)) {
          String where = name + ":" + stanza.line();
          String packageName = stanza.require("Package");
          String version = stanza.require("Version");
          if (isSources) {
            foundSources.add(new SourcePackage(packageName, version));
            String directory = stanza.require("Directory");
            List<Deb822.Line> lines = stanza.lines("Checksums-Sha256");
            if (lines.isEmpty()) {
              throw stanza.error(
                  stanza.line(), "source " + packageName + " lists no Checksums-Sha256");
            }
            for (Deb822.Line line : lines) {
              foundFiles.add(checksumLine(line.text(), where, directory + "/"));
            }
            continue;
          }
          Matcher source = SOURCE_FIELD.matcher(stanza.value("Source").orElse(packageName).strip());
          if (!source.matches()) {
            throw stanza.error(stanza.line(), "the Source field is not 'name' or 'name (version)'");
          }
          foundBinaries.add(
              new Binary(
                  packageName,
                  version,
                  stanza.require("Architecture"),
                  source.group(1),
                  source.group(2) == null ? version : source.group(2),
                  index.directory()));
          foundFiles.add(
              new PoolFile(
                  stanza.require("Filename"),
                  size(stanza.require("Size"), where),
                  stanza.require("SHA256"),
                  where));
        }
      } catch (MalformedControlFileException | IllegalArgumentException e) {
        problems.add(codename + ": " + e.getMessage());
        return;
      }
      indexes.add(index);
      if (isSources) {
        sourcesText.append(text).append("\n\n");
      }
      binaries.addAll(foundBinaries);
      sources.addAll(foundSources);
      poolFiles.addAll(foundFiles);
    }

    private byte[] decompress(Path file) {
      String name = file.getFileName().toString();
      if (name.endsWith(".xz")) {
        Command xz = Command.of("xz", "--decompress", "--stdout", "--", file.toString());
        CommandResult result;
        try {
          result = runner.run(xz);
        } catch (CommandFailedException e) {
          throw new CheckException("cannot run xz to read " + file + ": " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
          throw new IllegalArgumentException(
              file + " is not valid xz data: " + result.stderr().strip());
        }
        return result.stdout().getBytes(StandardCharsets.UTF_8);
      }
      try (InputStream raw = Files.newInputStream(file);
          InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
        return in.readAllBytes();
      } catch (AccessDeniedException e) {
        throw new CheckException("cannot read " + file + ": permission denied", e);
      } catch (IOException e) {
        // A file apt could not read either (a damaged .gz) fails the suite, not the check.
        throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
      }
    }

    /** Parses a "sha256 size name" line of a Release or Sources file. */
    private static PoolFile checksumLine(String text, String where, String prefix) {
      String[] fields = text.strip().split("\\s+");
      if (fields.length != 3 || !fields[0].matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            where + ": '" + text + "' is not a 'sha256 size name' checksum line");
      }
      return new PoolFile(prefix + fields[2], size(fields[1], where), fields[0], where);
    }

    private static long size(String text, String where) {
      try {
        long size = Long.parseLong(text.strip());
        if (size >= 0) {
          return size;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(where + ": size '" + text + "' is not a number");
    }
  }
}
