package org.perestroika.publisher.policy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.version.DebianVersion;

/** A base distro whose packages are given up front: source name to its highest version. */
public record FixedBaseDistro(String name, Map<String, DebianVersion> sources)
    implements BaseDistro {

  public FixedBaseDistro {
    sources = Map.copyOf(sources);
  }

  /** A bookworm that holds none of the packages tests publish. */
  public static FixedBaseDistro empty() {
    return new FixedBaseDistro("bookworm", Map.of());
  }

  /** The policy of a repository with no release past GA, over a base distro holding nothing. */
  public static VersionPolicy emptyBasePolicy() {
    return new VersionPolicy(ReleaseProgression.natural(), Set.of(), empty());
  }

  @Override
  public Optional<DebianVersion> highestSourceVersion(String source) {
    return Optional.ofNullable(sources.get(source));
  }
}
