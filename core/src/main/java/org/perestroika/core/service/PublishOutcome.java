package org.perestroika.core.service;

import java.util.List;
import java.util.Objects;

/**
 * What a publish did: published, or refused with the reasons a person can act on; either way, how a
 * client machine installs from that repository.
 *
 * @param clientSetup the lines that set a client up: for apt, fetching the public key and the
 *     sources.list line; for yum, the .repo section (whose gpgkey names the key's URL)
 */
public record PublishOutcome(boolean published, List<String> problems, String clientSetup) {
  public PublishOutcome {
    problems = List.copyOf(problems);
    Objects.requireNonNull(clientSetup, "clientSetup");
    if (published != problems.isEmpty()) {
      throw new IllegalArgumentException("a refusal needs reasons, and only a refusal has them");
    }
  }
}
