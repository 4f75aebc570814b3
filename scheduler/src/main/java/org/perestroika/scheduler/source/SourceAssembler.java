package org.perestroika.scheduler.source;

import java.nio.file.Path;

/** Turns commits of Gerrit projects into the Debian source tree that a builder takes. */
public interface SourceAssembler {

  /**
   * Assembles the source package that {@code spec} names into {@code workDir}.
   *
   * <p>The result is {@code <workDir>/<name>-<upstream>/}, holding the code commit's tree with the
   * packaging's debian/ (the spec commit's when there is a spec, which replaces any debian/ of the
   * code), and, unless the package is native, {@code <workDir>/<name>_<upstream>.orig.tar.gz}. The
   * name and version come from the packaging's debian/changelog. A package is native when
   * debian/source/format says {@code 3.0 (native)}, or when it says {@code 1.0} or nothing and the
   * version has no revision.
   *
   * <p>The orig tarball depends on the commits alone: assembling the same commits again, here or on
   * another host, gives the same bytes, so that a repository accepts a rebuild as the same content.
   *
   * <p>Implementations may be called from several threads at once, also for the same projects.
   *
   * @param workDir created when absent; must not hold the tree's directory already
   * @throws org.perestroika.core.debian.InvalidSourceException naming the project and commit, when
   *     a commit or project does not exist, the packaging has no debian/changelog, the code tree is
   *     empty, or the source format cannot be assembled
   * @throws org.perestroika.core.debian.MalformedControlFileException when debian/changelog's top
   *     entry is malformed, naming the project and commit
   * @throws org.perestroika.core.EnvironmentException when the server cannot be reached or refuses
   *     the credentials (retryable tells which)
   * @throws org.perestroika.core.process.CommandFailedException when a local tool fails
   */
  AssembledSource assemble(SourceSpec spec, Path workDir);
}
