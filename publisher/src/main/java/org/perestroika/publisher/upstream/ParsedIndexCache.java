package org.perestroika.publisher.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.perestroika.core.version.DebianVersion;

/**
 * The source versions read from a base distro's Packages files, kept while the files stay the same:
 * a long-running publisher (the scheduler's) checks the mirror on every publish but reads tens of
 * megabytes of indices again only once a suite changed. A refresh replaces a changed file rather
 * than writing into it, so a file's identity, size and modification time tell whether it is the one
 * read.
 */
public final class ParsedIndexCache {
  private record Read(List<Object> files, Map<String, DebianVersion> versions) {}

  private final Map<String, Read> byDistro = new ConcurrentHashMap<>();

  /**
   * The versions of {@code distro}'s {@code files}: the ones read before when the files are the
   * same, otherwise {@code read}'s, kept for next time.
   */
  Map<String, DebianVersion> versions(
      String distro, List<Path> files, Supplier<Map<String, DebianVersion>> read) {
    List<Object> identities = identities(files);
    Read cached = byDistro.get(distro);
    if (cached != null && cached.files().equals(identities)) {
      return cached.versions();
    }
    Map<String, DebianVersion> versions = Map.copyOf(read.get());
    byDistro.put(distro, new Read(identities, versions));
    return versions;
  }

  private static List<Object> identities(List<Path> files) {
    List<Object> identities = new ArrayList<>();
    for (Path file : files) {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        identities.add(
            List.of(
                file.toString(),
                String.valueOf(attributes.fileKey()),
                attributes.size(),
                attributes.lastModifiedTime()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the attributes of " + file, e);
      }
    }
    return List.copyOf(identities);
  }
}
