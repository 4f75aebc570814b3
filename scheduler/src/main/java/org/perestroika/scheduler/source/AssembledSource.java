package org.perestroika.scheduler.source;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A source tree ready for a dist's builder: a Debian tree with its orig tarball beside it unless
 * the package is native, or an RPM spec directory with its sources.
 *
 * @param tree the directory {@code <name>-<upstream>/} holding the sources and debian/, or for rpm
 *     {@code <name>/} holding the .spec and its sources
 * @param sourceName the source package name from debian/changelog, or the spec's Name
 * @param version the version from debian/changelog in its canonical form (such as {@code
 *     2024.1.0-1~deb12+mos1}), or the spec's Version, which has no release
 * @param origTarball {@code <name>_<upstream>.orig.tar.gz} beside a Debian tree, absent when native
 *     and for rpm, whose tarballs lie inside the tree
 */
public record AssembledSource(
    Path tree, String sourceName, String version, Optional<Path> origTarball) {

  public AssembledSource {
    Objects.requireNonNull(tree, "tree");
    if (sourceName == null || sourceName.isBlank()) {
      throw new IllegalArgumentException("source name missing");
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException(sourceName + ": version missing");
    }
    Objects.requireNonNull(origTarball, "origTarball");
  }
}
