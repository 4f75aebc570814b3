package org.perestroika.worker.container;

import java.util.Map;

/** A container as listing shows it: id and labels. */
public record ContainerInfo(String id, Map<String, String> labels) {
  public ContainerInfo {
    labels = Map.copyOf(labels);
  }
}
