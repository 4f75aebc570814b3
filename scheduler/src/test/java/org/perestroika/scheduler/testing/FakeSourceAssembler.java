package org.perestroika.scheduler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.scheduler.source.AssembledSource;
import org.perestroika.scheduler.source.SourceAssembler;
import org.perestroika.scheduler.source.SourceSpec;

/** Assembles an empty nova 1.0-1 tree in the work directory and records what it was asked. */
public final class FakeSourceAssembler implements SourceAssembler {
  private final List<SourceSpec> specs = new ArrayList<>();

  public synchronized List<SourceSpec> specs() {
    return List.copyOf(specs);
  }

  @Override
  public AssembledSource assemble(SourceSpec spec, Path workDir) {
    synchronized (this) {
      specs.add(spec);
    }
    Path tree = workDir.resolve("nova-1.0");
    try {
      Files.createDirectories(tree.resolve("debian"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AssembledSource(tree, "nova", DebianVersion.parse("1.0-1"), Optional.empty());
  }
}
