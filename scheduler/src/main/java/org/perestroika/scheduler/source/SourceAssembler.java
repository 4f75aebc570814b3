package org.perestroika.scheduler.source;

import java.nio.file.Path;
import org.perestroika.core.model.PackageFormat;

/** Turns commits of Gerrit projects into the source tree that a dist's builder takes. */
public interface SourceAssembler {

  /**
   * Assembles the source package that {@code spec} names into {@code workDir}, in the form the
   * builders of {@code format} take: a Debian source tree for sbuild, an RPM spec directory for
   * rpmbuild. The packaging is the spec commit's tree when there is a spec project, and the code
   * commit's otherwise.
   *
   * <p>{@link PackageFormat#DEB}: the result is {@code <workDir>/<name>-<upstream>/}, holding the
   * code commit's tree with the packaging's debian/ (the spec commit's when there is a spec, which
   * replaces any debian/ of the code), and, unless the package is native, {@code
   * <workDir>/<name>_<upstream>.orig.tar.gz}. The name and version come from the packaging's
   * debian/changelog. A package is native when debian/source/format says {@code 3.0 (native)}, or
   * when it says {@code 1.0} or nothing and the version has no revision.
   *
   * <p>{@link PackageFormat#RPM}: the packaging holds exactly one {@code .spec}, at its top or in
   * {@code rpm/SPECS/}. The result is {@code <workDir>/<name>/}, holding that spec with the regular
   * files beside it and in {@code rpm/SOURCES/} (which wins when both have a file of the same
   * name); the name and version are the spec's Name and Version, read as data with only the spec's
   * own plain macros expanded (see {@code SpecPreamble}). When the spec's Source0 (or first
   * unnumbered Source; the last part of a URL) is a tarball the packaging lacks, ending in {@code
   * .tar.gz}, {@code .tgz}, {@code .tar.xz} or {@code .tar.bz2}, it is made in the tree from the
   * code commit, under {@code <name>-<version>/}: the commit as it is for a split pair, without
   * rpm/ and the {@code .spec} files for a combined project. The result has no orig tarball.
   *
   * <p>The orig tarball and a made Source0 tarball depend on the commits alone: assembling the same
   * commits again, here or on another host, gives the same bytes, so that a repository accepts a
   * rebuild as the same content.
   *
   * <p>Implementations may be called from several threads at once, also for the same projects.
   *
   * @param format the package format of the dist the source is built for
   * @param workDir created when absent; must not hold the tree's directory already
   * @throws org.perestroika.core.debian.InvalidSourceException naming the project and commit, when
   *     a commit or project does not exist; for deb, when the packaging has no debian/changelog,
   *     the code tree is empty, or the source format cannot be assembled; for rpm, when the
   *     packaging holds no .spec or several, the spec lacks a plain Name or Version, Name, Version
   *     or Source0 needs more than the spec's plain macros or stands inside a conditional, or
   *     Source0 is neither in the packaging nor a tarball that a non-empty code tree can make
   * @throws org.perestroika.core.debian.MalformedControlFileException when debian/changelog's top
   *     entry is malformed, naming the project and commit
   * @throws org.perestroika.core.EnvironmentException when the server cannot be reached or refuses
   *     the credentials (retryable tells which)
   * @throws org.perestroika.core.process.CommandFailedException when a local tool fails
   */
  AssembledSource assemble(SourceSpec spec, PackageFormat format, Path workDir);
}
