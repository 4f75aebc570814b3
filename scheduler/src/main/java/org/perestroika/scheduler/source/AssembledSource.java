package org.perestroika.scheduler.source;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.perestroika.core.version.DebianVersion;

/**
 * A Debian source tree ready for a builder, with the orig tarball beside it unless the package is
 * native.
 *
 * @param tree the directory {@code <name>-<upstream>/} holding the sources and debian/
 * @param sourceName the source package name from debian/changelog
 * @param version the version from debian/changelog
 * @param origTarball {@code <name>_<upstream>.orig.tar.gz} beside the tree, absent when native
 */
public record AssembledSource(
    Path tree, String sourceName, DebianVersion version, Optional<Path> origTarball) {

  public AssembledSource {
    Objects.requireNonNull(tree, "tree");
    if (sourceName == null || sourceName.isBlank()) {
      throw new IllegalArgumentException("source name missing");
    }
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(origTarball, "origTarball");
  }
}
