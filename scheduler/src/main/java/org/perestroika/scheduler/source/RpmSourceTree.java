package org.perestroika.scheduler.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;

/**
 * Assembles an RPM spec directory from the mirrors, as the rpm Jenkins jobs do: the packaging's one
 * .spec with the files beside it and in rpm/SOURCES/, and a Source0 tarball made from the code
 * commit when the packaging lacks it.
 *
 * <p>A made tarball depends on its commit alone, as a Debian orig does: git archive gives every
 * entry the commit's time, and each compressor runs with its options spelled out and without the
 * environment variables through which it would take others.
 *
 * <p>The spec is read as data ({@link SpecPreamble}): its Name, Version and Source0 with the spec's
 * own plain macros expanded, and a spec that needs more, a shell or Lua macro say, is refused. The
 * packaging is anyone's who pushes a change, and its code runs only in build containers, never on
 * this host.
 */
final class RpmSourceTree {
  private static final String SPECS = "rpm/SPECS/";
  private static final String SOURCES = "rpm/SOURCES/";

  /** Where the packaging waits until the spec has given the tree its name. */
  private static final String STAGE = ".rpm-packaging";

  /** Far beyond any spec: reading more would be a crafted spec's doing. */
  private static final long MAX_SPEC_BYTES = 16L << 20;

  // They name the tree and the tarball's top directory: no separators, no leading dot.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+][A-Za-z0-9._+-]*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_+~^][A-Za-z0-9._+~^]*");

  /** The tarballs that can be made from the code, by their suffix. */
  private static final Map<String, Compressor> TARBALLS =
      Map.of(
          ".tar.gz", Compressor.GZIP,
          ".tgz", Compressor.GZIP,
          ".tar.xz", Compressor.XZ,
          ".tar.bz2", Compressor.BZIP2);

  private final CommandRunner runner;
  private final GitMirrors mirrors;

  RpmSourceTree(CommandRunner runner, GitMirrors mirrors) {
    this.runner = runner;
    this.mirrors = mirrors;
  }

  /** The rpm form of {@link SourceAssembler#assemble}. */
  AssembledSource assemble(SourceSpec spec, Path workDir) {
    Path code = mirrors.ensure(spec.codeProject(), spec.codeCommit(), spec.codeRef());
    String project = spec.specProject().orElse(spec.codeProject());
    String commit = spec.specCommit().orElse(spec.codeCommit());
    Path packaging = spec.isSplit() ? mirrors.ensure(project, commit, spec.specRef()) : code;
    String where = project + " at " + commit;

    List<Entry> top = entries(packaging, commit);
    List<Entry> rpmDirs = entries(packaging, commit, SPECS, SOURCES);
    List<Entry> specs =
        Stream.concat(top.stream(), filesIn(rpmDirs, SPECS).stream())
            .filter(entry -> entry.regular() && entry.name().endsWith(".spec"))
            .toList();
    if (specs.size() != 1) {
      throw new InvalidSourceException(
          where
              + " holds "
              + (specs.isEmpty()
                  ? "no .spec file at its top or in rpm/SPECS/"
                  : specs.size() + " .spec files at its top and in rpm/SPECS/ ")
              + (specs.isEmpty() ? "" : specs.stream().map(Entry::path).toList())
              + ": an rpm package needs exactly one there, "
              + (specs.isEmpty() ? "add its spec" : "keep the package's and remove the others"));
    }
    Entry specFile = specs.get(0);
    List<Entry> beside =
        specFile.path().startsWith(SPECS) ? filesIn(rpmDirs, SPECS) : filesIn(top, "");
    List<Entry> sources = filesIn(rpmDirs, SOURCES);

    Path work = workDir.toAbsolutePath().normalize();
    Path stage = work.resolve(STAGE);
    try {
      FileTrees.delete(stage); // left by a process that was killed half-way
      createDirectories(stage);
      unpack(packaging, commit, beside, stage);
      // Second, so that rpm/SOURCES/ wins when both have a file, as the Jenkins jobs' copies do.
      unpack(packaging, commit, sources, stage);
      SpecPreamble preamble =
          SpecPreamble.read(
              readSpec(stage.resolve(specFile.name()), where, specFile.path()),
              where,
              specFile.path());
      Identity identity = identity(preamble, where, specFile.path());
      Optional<String> source0 = preamble.source0File();
      Set<String> packaged =
          Stream.concat(beside.stream(), sources.stream())
              .map(Entry::name)
              .collect(Collectors.toSet());
      Optional<String> tarball = source0.filter(file -> !packaged.contains(file));
      if (tarball.isPresent()) {
        checkMakeable(
            spec, tarball.get(), spec.isSplit() ? entries(code, spec.codeCommit()) : top, where);
      }
      Path tree = work.resolve(identity.name());
      rename(stage, tree);
      if (tarball.isPresent()) {
        makeTarball(spec, code, tarball.get(), identity, work, tree);
      }
      return new AssembledSource(tree, identity.name(), identity.version(), Optional.empty());
    } finally {
      FileTrees.delete(stage);
    }
  }

  /** Refuses a Source0 that is no tarball, or that there is no code to make from. */
  private static void checkMakeable(
      SourceSpec spec, String file, List<Entry> codeTop, String where) {
    if (suffix(file).isEmpty()) {
      throw new InvalidSourceException(
          where
              + ": Source0 '"
              + file
              + "' is neither in the packaging (beside the spec or in rpm/SOURCES/) nor a tarball"
              + " to make from the code (.tar.gz, .tgz, .tar.xz or .tar.bz2): add the file to the"
              + " packaging or name a tarball");
    }
    boolean split = spec.isSplit();
    List<Entry> upstream =
        split
            ? codeTop
            : codeTop.stream()
                .filter(e -> !e.path().equals("rpm") && !e.path().endsWith(".spec"))
                .toList();
    if (upstream.isEmpty()) {
      throw new InvalidSourceException(
          spec.codeProject()
              + " at "
              + spec.codeCommit()
              + ": the code tree is empty"
              + (split ? "" : " apart from rpm/ and the spec")
              + ": there is nothing to make Source0 "
              + file
              + " from; add the sources, or the tarball to rpm/SOURCES/");
    }
  }

  private void makeTarball(
      SourceSpec spec, Path code, String file, Identity identity, Path work, Path tree) {
    String suffix = suffix(file).orElseThrow();
    Compressor compressor = TARBALLS.get(suffix);
    Path tar = work.resolve(file.substring(0, file.length() - suffix.length()) + ".tar");
    // A split pair's tarball is the code commit as it is; a combined project's leaves rpm/ out.
    mirrors.archive(
        code,
        spec.codeCommit(),
        identity.name() + "-" + identity.version() + "/",
        tar,
        spec.isSplit() ? List.of() : List.of(":(exclude)rpm", ":(exclude)*.spec"));
    runner.check(compressor.command(tar));
    move(work.resolve(tar.getFileName() + compressor.extension), tree.resolve(file));
  }

  /** The tarball suffix the file name ends in, after a name of at least one character. */
  private static Optional<String> suffix(String file) {
    return TARBALLS.keySet().stream()
        .filter(suffix -> file.endsWith(suffix) && file.length() > suffix.length())
        .findFirst();
  }

  /** The spec's name and version, which name the tree and the tarball's top directory. */
  private static Identity identity(SpecPreamble preamble, String where, String specPath) {
    if (!NAME.matcher(preamble.name()).matches()
        || !VERSION.matcher(preamble.version()).matches()) {
      throw new InvalidSourceException(
          where
              + ": "
              + specPath
              + " gives the name and version '"
              + preamble.name()
              + " "
              + preamble.version()
              + "': give the spec a Name and a Version of letters, digits and . _ + (and ~ ^ in"
              + " the version)");
    }
    return new Identity(preamble.name(), preamble.version());
  }

  /** The staged spec's text: an old spec's changelog may be Latin-1, which is no reason to fail. */
  private static String readSpec(Path specCopy, String where, String specPath) {
    try {
      long size = Files.size(specCopy);
      if (size > MAX_SPEC_BYTES) {
        throw new InvalidSourceException(
            where
                + ": "
                + specPath
                + " holds "
                + size
                + " bytes, and the farm reads specs of up to "
                + MAX_SPEC_BYTES
                + ": keep the spec smaller");
      }
      return new String(Files.readAllBytes(specCopy), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + specCopy + ": " + e.getMessage(), e);
    }
  }

  /**
   * The entries of the commit's top directory, or of the given directories (paths ending in a
   * slash) when there are any.
   */
  private List<Entry> entries(Path mirror, String commit, String... dirs) {
    List<String> args = new ArrayList<>(List.of("ls-tree", "-z", commit));
    args.addAll(List.of(dirs));
    String listing = runner.check(GitMirrors.git(mirror, args.toArray(String[]::new))).stdout();
    List<Entry> entries = new ArrayList<>();
    for (String line : listing.split("\0")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        // <mode> SP <type> SP <object> TAB <path>
        entries.add(new Entry(line.substring(0, line.indexOf(' ')), line.substring(tab + 1)));
      }
    }
    return entries;
  }

  /** The regular files directly in {@code dir}, a path ending in a slash or empty for the top. */
  private static List<Entry> filesIn(List<Entry> entries, String dir) {
    return entries.stream()
        .filter(e -> e.regular() && e.path().startsWith(dir))
        .filter(e -> e.path().indexOf('/', dir.length()) < 0)
        .toList();
  }

  /** Writes the commit's files, all from one directory of it, straight into {@code dir}. */
  private void unpack(Path mirror, String commit, List<Entry> files, Path dir) {
    if (files.isEmpty()) {
      return;
    }
    Path tar = dir.resolveSibling(STAGE + ".tar");
    // Literal: a file name may hold * or ? or start with a colon, which pathspecs would read.
    mirrors.archive(
        mirror, commit, "", tar, files.stream().map(f -> ":(literal)" + f.path()).toList());
    try {
      List<String> argv =
          new ArrayList<>(List.of("tar", "-x", "-f", tar.toString(), "-C", dir.toString()));
      long depth = files.get(0).path().chars().filter(c -> c == '/').count();
      if (depth > 0) {
        argv.add("--strip-components=" + depth);
      }
      runner.check(Command.of(argv));
    } finally {
      FileTrees.delete(tar);
    }
  }

  private static void rename(Path stage, Path tree) {
    try {
      Files.move(stage, tree);
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(
          tree + " exists already: assemble into a fresh work directory", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move " + stage + " to " + tree + ": " + e.getMessage(), e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** An entry of a commit's tree, as git ls-tree lists it. */
  private record Entry(String mode, String path) {
    /** Plain files, not links or submodules, as the Jenkins jobs' find -type f takes. */
    boolean regular() {
      return mode.equals("100644") || mode.equals("100755");
    }

    String name() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  private record Identity(String name, String version) {}

  /**
   * How a tar file becomes {@code <tar><extension>}, with the options spelled out because they
   * decide the bytes, and without the variables through which the compressor would take others.
   */
  private enum Compressor {
    // -n: neither the tar's name nor its time in the header.
    GZIP(".gz", Map.of("GZIP", ""), "gzip", "-n", "-f"),
    // -6 -T1 as xz's defaults are here: threaded xz writes other bytes.
    XZ(".xz", Map.of("XZ_DEFAULTS", "", "XZ_OPT", ""), "xz", "-6", "-T1", "-f"),
    BZIP2(".bz2", Map.of("BZIP2", "", "BZIP", ""), "bzip2", "-9", "-f");

    final String extension;
    private final Map<String, String> environment;
    private final List<String> argv;

    Compressor(String extension, Map<String, String> environment, String... argv) {
      this.extension = extension;
      this.environment = environment;
      this.argv = List.of(argv);
    }

    Command command(Path tar) {
      List<String> line = new ArrayList<>(argv);
      line.add(tar.toString());
      return Command.of(line).withEnvironment(environment);
    }
  }
}
