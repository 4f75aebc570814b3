package org.perestroika.testing.gerrit;

import java.util.Objects;

/**
 * A change as the harness pushed it.
 *
 * @param number the change number, unique on the server
 * @param changeId the {@code Change-Id} trailer, {@code I} and 40 hex digits
 * @param revision the commit of the patch set just pushed
 */
public record PushedChange(
    String project, String branch, int number, String changeId, String revision) {
  public PushedChange {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(changeId, "changeId");
    Objects.requireNonNull(revision, "revision");
    if (number <= 0) {
      throw new IllegalArgumentException("change number must be positive: " + number);
    }
  }

  /** The {@code project~branch~Change-Id} triplet that names the change in REST paths. */
  public String triplet() {
    return GerritRest.triplet(project, branch, changeId);
  }
}
