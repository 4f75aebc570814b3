package org.perestroika.publisher;

import java.util.List;
import java.util.Objects;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.publisher.policy.PolicyViolation;

/** What became of an upload: published (or already there), or rejected by policy. */
public sealed interface PublishResult {

  /**
   * The repository now holds the upload; {@code packages} lists what the target holds of its
   * source, one {@code "name version architecture"} string each.
   */
  record Published(PublishTarget target, List<String> packages) implements PublishResult {
    public Published {
      Objects.requireNonNull(target, "target");
      packages = List.copyOf(packages);
    }
  }

  /** Policy refused the upload and the repository was not changed. */
  record Rejected(List<PolicyViolation> violations) implements PublishResult {
    public Rejected {
      violations = List.copyOf(violations);
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("a rejection needs at least one violation");
      }
    }
  }
}
