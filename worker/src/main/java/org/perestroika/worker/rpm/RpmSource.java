package org.perestroika.worker.rpm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.perestroika.core.debian.CommitLines;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.model.SourceCommits;

/**
 * An RPM source as given on the command line, checked before any container starts: a .src.rpm built
 * as it is, or a directory holding one .spec and the sources it names.
 *
 * @param path the .src.rpm file or the directory
 * @param spec the .spec file's name inside the directory; null for a .src.rpm
 * @param name the package name, from the spec's Name tag or the .src.rpm's file name
 */
record RpmSource(Path path, String spec, String name) {
  /** The spec's rpm form of a MOS release tag: a build number, the dist tag, then ~mosN. */
  static final Pattern MOS_RELEASE =
      Pattern.compile("[0-9][0-9A-Za-z._+]*%\\{\\?dist\\}~mos[0-9]+");

  private static final Pattern TAG =
      Pattern.compile("^(Name|Version|Release)\\s*:\\s*(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]*");
  private static final Pattern SRPM = Pattern.compile("([A-Za-z0-9._+-]+)-[^-]+-[^-]+\\.src\\.rpm");

  boolean isSrpm() {
    return spec == null;
  }

  /** The log's file name: {@code <name>.build}, beside the packages. */
  String logFileName() {
    return name + ".build";
  }

  static RpmSource inspect(Path given) {
    Path source = given.toAbsolutePath().normalize();
    if (Files.isDirectory(source)) {
      return tree(source);
    }
    Matcher srpm = SRPM.matcher(source.getFileName().toString());
    if (Files.isRegularFile(source) && srpm.matches()) {
      return new RpmSource(source, null, srpm.group(1));
    }
    throw new InvalidSourceException(
        source
            + " is neither a .src.rpm (name-version-release.src.rpm) nor a directory: give a"
            + " .src.rpm or a directory with a .spec and its sources");
  }

  private static RpmSource tree(Path dir) {
    List<Path> specs;
    try (Stream<Path> entries = Files.list(dir)) {
      specs = entries.filter(p -> p.getFileName().toString().endsWith(".spec")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (specs.size() != 1) {
      throw new InvalidSourceException(
          dir
              + " holds "
              + specs.size()
              + " .spec files "
              + specs.stream().map(p -> p.getFileName().toString()).toList()
              + ": an RPM source directory holds exactly one, beside its sources");
    }
    Path spec = specs.get(0);
    String name = null;
    String release = null;
    for (String line : read(spec).lines().toList()) {
      Matcher tag = TAG.matcher(line);
      if (tag.matches()) {
        String key = tag.group(1).toLowerCase(Locale.ROOT);
        if (key.equals("name") && name == null) {
          name = tag.group(2);
        } else if (key.equals("release") && release == null) {
          release = tag.group(2);
        }
      }
    }
    if (name == null || !SAFE_NAME.matcher(name).matches()) {
      throw new InvalidSourceException(
          spec + " has no plain Name tag (got '" + name + "'): name the package without macros");
    }
    if (release == null || !MOS_RELEASE.matcher(release).matches()) {
      throw new InvalidSourceException(
          spec
              + ": Release '"
              + release
              + "' is not of the MOS form N%{?dist}~mosN, such as 1%{?dist}~mos1: the dist tag"
              + " names the target and ~mosN keeps the package below the distribution's own of"
              + " the same release");
    }
    if (!SAFE_NAME.matcher(spec.getFileName().toString()).matches()) {
      throw new InvalidSourceException(spec + ": rename the .spec to plain letters and digits");
    }
    return new RpmSource(dir, spec.getFileName().toString(), name);
  }

  /**
   * The spec with the lines naming {@code commits} at the end of its top %changelog entry, as the
   * build should see it. Lines the entry already has with the same commits are not repeated.
   *
   * @throws InvalidSourceException for a .src.rpm, built as it is, for a spec without a %changelog
   *     entry, or when the entry names other commits
   */
  String specWith(SourceCommits commits) {
    if (isSrpm()) {
      throw new InvalidSourceException(
          path
              + " is a .src.rpm, built as it is: the commit lines cannot be added to its"
              + " %changelog; build its spec directory to have them added");
    }
    Path file = path.resolve(spec);
    List<String> lines = new ArrayList<>(read(file).lines().toList());
    int changelog = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("%changelog")) {
        changelog = i;
      }
    }
    int header = changelog + 1;
    while (changelog >= 0 && header < lines.size() && lines.get(header).isBlank()) {
      header++;
    }
    if (changelog < 0 || header == lines.size() || !lines.get(header).startsWith("* ")) {
      throw new InvalidSourceException(
          file
              + " has no %changelog entry ('* date name <email> - version-release') to name"
              + " the commits in: add one");
    }
    int end = header + 1;
    while (end < lines.size() && lines.get(end).startsWith("-")) {
      end++;
    }
    var held =
        CommitLines.read(
            lines.subList(header + 1, end).stream().map(line -> line.substring(1)).toList());
    List<String> added = new ArrayList<>();
    addLine(held, CommitLines.SOURCE, commits.source(), file, added);
    addLine(held, CommitLines.BUILD, commits.build(), file, added);
    lines.addAll(end, added);
    return String.join("\n", lines) + "\n";
  }

  private static void addLine(
      java.util.Map<String, String> held, String label, String commit, Path file, List<String> to) {
    String there = held.get(label);
    if (there == null) {
      to.add("- " + label + ": " + commit);
    } else if (!there.equalsIgnoreCase(commit)) {
      throw new InvalidSourceException(
          file
              + ": the top %changelog entry names "
              + label.toLowerCase(Locale.ROOT)
              + " "
              + there
              + " but the build is of "
              + commit
              + ": start a new entry for the new commit");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
