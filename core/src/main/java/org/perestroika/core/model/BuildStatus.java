package org.perestroika.core.model;

/** How a build ended. Only {@link #SUCCEEDED} produced publishable artifacts. */
public enum BuildStatus {
  SUCCEEDED,
  /** The package itself failed to build: its log says why. */
  FAILED,
  /** The build ran past its wall-clock limit and was stopped. */
  TIMED_OUT,
  /** The build was stopped on request (Ctrl-C, a newer patch set). */
  CANCELLED;

  /** How people read it: succeeded, failed, timed out, cancelled. */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }
}
