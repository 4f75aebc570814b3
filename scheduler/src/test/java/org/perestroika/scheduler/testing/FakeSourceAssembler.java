package org.perestroika.scheduler.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.scheduler.source.AssembledSource;
import org.perestroika.scheduler.source.SourceAssembler;
import org.perestroika.scheduler.source.SourceSpec;

/**
 * Assembles an empty nova 1.0-1 tree in the work directory, whatever the format, and records what
 * it was asked.
 */
public final class FakeSourceAssembler implements SourceAssembler {
  private final List<SourceSpec> specs = new ArrayList<>();
  private final List<PackageFormat> formats = new ArrayList<>();

  public synchronized List<SourceSpec> specs() {
    return List.copyOf(specs);
  }

  /** The formats asked for, in the order of {@link #specs}. */
  public synchronized List<PackageFormat> formats() {
    return List.copyOf(formats);
  }

  @Override
  public AssembledSource assemble(SourceSpec spec, PackageFormat format, Path workDir) {
    synchronized (this) {
      specs.add(spec);
      formats.add(format);
    }
    Path tree = workDir.resolve("nova-1.0");
    try {
      Files.createDirectories(tree.resolve("debian"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AssembledSource(tree, "nova", "1.0-1", Optional.empty());
  }
}
