package org.perestroika.worker.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a short-lived build container is made of: image, command, labels, mounts and limits.
 * Containers never run privileged; {@code mountCapable} grants just what mounting an overlay inside
 * needs. With {@code readOnlyRoot} the image's file system cannot be written: a build then writes
 * only to its tmpfs mounts and read-write binds.
 */
public record ContainerSpec(
    String image,
    List<String> command,
    String workingDir,
    Map<String, String> labels,
    List<BindMount> binds,
    Map<String, String> tmpfs,
    Network network,
    long memoryBytes,
    long pids,
    boolean mountCapable,
    boolean readOnlyRoot) {

  public ContainerSpec {
    Objects.requireNonNull(image, "image");
    command = List.copyOf(command);
    Objects.requireNonNull(workingDir, "workingDir");
    labels = Map.copyOf(labels);
    binds = List.copyOf(binds);
    tmpfs = Map.copyOf(tmpfs);
    Objects.requireNonNull(network, "network");
  }

  /** A container whose root file system is writable, as the tools in it expect by default. */
  public ContainerSpec(
      String image,
      List<String> command,
      String workingDir,
      Map<String, String> labels,
      List<BindMount> binds,
      Map<String, String> tmpfs,
      Network network,
      long memoryBytes,
      long pids,
      boolean mountCapable) {
    this(
        image,
        command,
        workingDir,
        labels,
        binds,
        tmpfs,
        network,
        memoryBytes,
        pids,
        mountCapable,
        false);
  }

  /** A host directory visible inside the container. */
  public record BindMount(Path hostPath, String containerPath, boolean readOnly) {
    public BindMount {
      Objects.requireNonNull(hostPath, "hostPath");
      Objects.requireNonNull(containerPath, "containerPath");
    }
  }

  /** Host networking is for fetching build dependencies; everything else gets none. */
  public enum Network {
    HOST,
    NONE
  }
}
