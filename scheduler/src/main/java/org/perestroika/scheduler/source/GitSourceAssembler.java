package org.perestroika.scheduler.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.perestroika.core.debian.ChangelogEntry;
import org.perestroika.core.debian.DebianChangelog;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;

/**
 * Assembles source packages from Gerrit with git: one bare mirror per project in a cache directory,
 * trees exported with git archive, orig tarballs compressed with gzip -n; RPM spec directories are
 * {@link RpmSourceTree}'s, from the same mirrors.
 *
 * <p>Credentials reach git through a credential helper, given with {@code -c credential.helper=},
 * that prints them from the environment variables {@value GitMirrors#USER_VARIABLE} and {@value
 * GitMirrors#PASSWORD_VARIABLE}; these are set for the fetch commands alone. The user and password
 * never appear on a command line, in a URL or in a log.
 *
 * <p>An orig tarball depends on its commit alone: git archive gives every entry the commit's time,
 * the mirrors ignore the host's git configuration and export-subst attributes, and gzip -n leaves
 * out the name and time.
 */
public final class GitSourceAssembler implements SourceAssembler {
  private static final String DEBIAN = "debian";

  /** The obsolescent GZIP variable would add its options to ours and change the bytes. */
  private static final Map<String, String> GZIP_ENVIRONMENT = Map.of("GZIP", "");

  private final CommandRunner runner;
  private final GitMirrors mirrors;
  private final RpmSourceTree rpm;

  /**
   * @param cacheDir where the projects' mirrors and their lock files live; may be shared by
   *     assemblers in several processes
   */
  public GitSourceAssembler(CommandRunner runner, Path cacheDir, GitRemote remote) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.mirrors =
        new GitMirrors(
            runner, Objects.requireNonNull(cacheDir, "cacheDir"), Objects.requireNonNull(remote));
    this.rpm = new RpmSourceTree(runner, mirrors);
  }

  @Override
  public AssembledSource assemble(SourceSpec spec, PackageFormat format, Path workDir) {
    return switch (Objects.requireNonNull(format, "format")) {
      case DEB -> debian(spec, workDir);
      case RPM -> rpm.assemble(spec, workDir);
    };
  }

  private AssembledSource debian(SourceSpec spec, Path workDir) {
    String codeProject = spec.codeProject();
    String codeCommit = spec.codeCommit();
    Path code = mirrors.ensure(codeProject, codeCommit, spec.codeRef());
    String packagingProject = spec.specProject().orElse(codeProject);
    String packagingCommit = spec.specCommit().orElse(codeCommit);
    Path packaging =
        spec.isSplit() ? mirrors.ensure(packagingProject, packagingCommit, spec.specRef()) : code;

    String where = packagingProject + " at " + packagingCommit;
    String changelog =
        blob(packaging, packagingCommit, "debian/changelog")
            .orElseThrow(
                () ->
                    new InvalidSourceException(
                        where
                            + " has no debian/changelog: the "
                            + (spec.isSplit() ? "spec project" : "project")
                            + " needs debian/ with a changelog at the top of its tree"));
    ChangelogEntry top =
        DebianChangelog.parseTopEntry(
            changelog, packagingProject + "@" + packagingCommit + ":debian/changelog");
    boolean nativePackage =
        isNative(blob(packaging, packagingCommit, "debian/source/format"), top, where);
    // A combined native package may be all packaging; otherwise there must be something to pack.
    if ((spec.isSplit() || !nativePackage) && upstreamEntries(code, codeCommit).isEmpty()) {
      throw new InvalidSourceException(
          codeProject + " at " + codeCommit + ": the code tree is empty apart from debian/");
    }

    Path work = workDir.toAbsolutePath().normalize();
    String upstream = top.version().upstream();
    String dirName = top.source() + "-" + upstream;
    Path tree = work.resolve(dirName);
    if (Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(
          tree + " exists already: assemble into a fresh work directory");
    }
    createDirectories(work);
    String prefix = dirName + "/";
    Optional<Path> orig = Optional.empty();
    if (nativePackage) {
      unpack(code, codeCommit, prefix, work, List.of());
    } else {
      Path tar = work.resolve(top.source() + "_" + upstream + ".orig.tar");
      // A split pair's orig is the code commit as it is; a combined project's leaves debian/ out.
      mirrors.archive(
          code, codeCommit, prefix, tar, spec.isSplit() ? List.of() : List.of(":(exclude)debian"));
      extract(tar, work);
      runner.check(
          Command.of("gzip", "-n", "-f", tar.toString()).withEnvironment(GZIP_ENVIRONMENT));
      orig = Optional.of(work.resolve(tar.getFileName() + ".gz"));
    }
    if (spec.isSplit()) {
      FileTrees.delete(tree.resolve(DEBIAN));
      unpack(packaging, packagingCommit, prefix, work, List.of(DEBIAN));
    } else if (!nativePackage) {
      unpack(code, codeCommit, prefix, work, List.of(DEBIAN));
    }
    return new AssembledSource(tree, top.source(), top.version().toString(), orig);
  }

  /**
   * Whether the package has no orig tarball. Without debian/source/format dpkg-source reads 1.0,
   * which is native exactly when the version has no revision.
   */
  private static boolean isNative(Optional<String> formatFile, ChangelogEntry top, String where) {
    String format = formatFile.map(String::strip).orElse("1.0");
    boolean revision = top.version().hasRevision();
    switch (format) {
      case "3.0 (native)":
        return true;
      case "3.0 (quilt)":
        if (!revision) {
          throw new InvalidSourceException(
              where
                  + ": format 3.0 (quilt) needs a version with a Debian revision, but"
                  + " debian/changelog gives "
                  + top.version()
                  + ": add a revision or use 3.0 (native)");
        }
        return false;
      case "1.0":
        return !revision;
      default:
        throw new InvalidSourceException(
            where
                + ": debian/source/format '"
                + format
                + "' cannot be assembled: use 3.0 (quilt), 3.0 (native) or 1.0");
    }
  }

  /** The file's content at the commit, or empty when the commit has no such file. */
  private Optional<String> blob(Path mirror, String commit, String path) {
    CommandResult result =
        runner.run(GitMirrors.git(mirror, "cat-file", "blob", commit + ":" + path));
    return result.succeeded() ? Optional.of(result.stdout()) : Optional.empty();
  }

  /** The commit's top-level entries other than debian/. */
  private List<String> upstreamEntries(Path mirror, String commit) {
    String listing =
        runner.check(GitMirrors.git(mirror, "ls-tree", "--name-only", "-z", commit)).stdout();
    List<String> entries = new ArrayList<>(Arrays.asList(listing.split("\0")));
    entries.removeIf(name -> name.isEmpty() || name.equals(DEBIAN));
    return entries;
  }

  private void extract(Path tar, Path dir) {
    runner.check(Command.of("tar", "-x", "-f", tar.toString(), "-C", dir.toString()));
  }

  /** Writes the commit's files (those the pathspecs select) under {@code dir/prefix}. */
  private void unpack(Path mirror, String commit, String prefix, Path dir, List<String> pathspecs) {
    Path tar = dir.resolve("." + prefix.substring(0, prefix.length() - 1) + ".export.tar");
    mirrors.archive(mirror, commit, prefix, tar, pathspecs);
    try {
      extract(tar, dir);
    } finally {
      FileTrees.delete(tar);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }
}
