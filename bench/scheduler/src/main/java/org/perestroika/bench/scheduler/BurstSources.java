package org.perestroika.bench.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.scheduler.source.AssembledSource;
import org.perestroika.scheduler.source.SourceAssembler;
import org.perestroika.scheduler.source.SourceSpec;

/** Assembles nothing: an empty source tree in the work directory, native, in any format. */
final class BurstSources implements SourceAssembler {
  @Override
  public AssembledSource assemble(SourceSpec spec, PackageFormat format, Path workDir) {
    Path tree = workDir.resolve("pkg-1.0");
    try {
      Files.createDirectories(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AssembledSource(tree, "pkg", "1.0", Optional.empty());
  }
}
