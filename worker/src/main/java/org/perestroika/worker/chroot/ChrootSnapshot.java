package org.perestroika.worker.chroot;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One immutable build chroot: the dist it is for, its id (the UTC time it was made) and its
 * directory. Builds bind-mount it read-only; an update makes a new snapshot beside it.
 */
public record ChrootSnapshot(String dist, String id, Path directory, Instant createdAt) {

  public ChrootSnapshot {
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The value of the container label that marks a build as using this snapshot. */
  public String label() {
    return dist + "/" + id;
  }
}
