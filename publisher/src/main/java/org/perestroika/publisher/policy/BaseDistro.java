package org.perestroika.publisher.policy;

import java.util.Optional;
import org.perestroika.core.version.DebianVersion;

/**
 * The base distro release a repository's packages are built for and diverge from (bookworm, jammy),
 * as far as the version policy needs to know it.
 */
public interface BaseDistro {

  /** The release's name for messages, such as {@code bookworm}. */
  String name();

  /**
   * The highest version of a source package among the base distro's packages.
   *
   * @return empty when the base distro has no package built from {@code source}
   * @throws org.perestroika.core.EnvironmentException when the base distro's index cannot be read
   *     or verified; the policy never guesses without it
   */
  Optional<DebianVersion> highestSourceVersion(String source);
}
