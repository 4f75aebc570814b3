package org.perestroika.bench.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.scheduler.source.AssembledSource;
import org.perestroika.scheduler.source.SourceAssembler;
import org.perestroika.scheduler.source.SourceSpec;

/** Assembles nothing: an empty source tree in the work directory, as a native package. */
final class BurstSources implements SourceAssembler {
  @Override
  public AssembledSource assemble(SourceSpec spec, Path workDir) {
    Path tree = workDir.resolve("pkg-1.0");
    try {
      Files.createDirectories(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AssembledSource(tree, "pkg", DebianVersion.of("1.0"), Optional.empty());
  }
}
