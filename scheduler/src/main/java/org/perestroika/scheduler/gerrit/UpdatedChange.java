package org.perestroika.scheduler.gerrit;

import java.time.Instant;
import java.util.Objects;
import org.perestroika.core.gerrit.ChangeRef;

/**
 * A change found by a catch-up query, with what a missed event would have said: whether it is still
 * in review or was merged, and when it last changed.
 *
 * @param change the change with its current patch set
 * @param merged true for a merged change (a missed change-merged), false for an open one (a missed
 *     patchset-created or comment-added)
 * @param updated when Gerrit last updated the change
 */
public record UpdatedChange(ChangeRef change, boolean merged, Instant updated) {

  public UpdatedChange {
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(updated, "updated");
  }
}
