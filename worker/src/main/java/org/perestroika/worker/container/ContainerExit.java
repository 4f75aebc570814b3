package org.perestroika.worker.container;

/** How a container ended: its exit code, or that it was stopped for running too long. */
public record ContainerExit(int exitCode, boolean timedOut) {

  public boolean succeeded() {
    return !timedOut && exitCode == 0;
  }
}
