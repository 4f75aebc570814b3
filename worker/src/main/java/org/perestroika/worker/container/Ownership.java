package org.perestroika.worker.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Labels that tie a build container to the process that started it, so a later process can tell a
 * container orphaned by a crash (its owner is gone) from one another live process still uses.
 */
public final class Ownership {
  public static final String BUILD_ID = "org.perestroika.build-id";
  public static final String OWNER_PID = "org.perestroika.owner-pid";
  public static final String OWNER_START = "org.perestroika.owner-start";

  /**
   * The owner's PID namespace. A process can judge only owners in its own namespace: hosts that
   * share one engine from different namespaces leave each other's containers alone.
   */
  public static final String OWNER_PID_NAMESPACE = "org.perestroika.owner-pid-namespace";

  private static final String PID_NAMESPACE = pidNamespace();

  private Ownership() {}

  /** Labels for a container of this build, owned by the running JVM. */
  public static Map<String, String> labels(String buildId) {
    ProcessHandle self = ProcessHandle.current();
    Map<String, String> labels = new HashMap<>();
    labels.put(BUILD_ID, buildId);
    labels.put(OWNER_PID, Long.toString(self.pid()));
    labels.put(OWNER_START, startOf(self).map(i -> Long.toString(i.toEpochMilli())).orElse(""));
    labels.put(OWNER_PID_NAMESPACE, PID_NAMESPACE);
    return labels;
  }

  /**
   * Removes every build container whose owning process no longer runs (same pid and start time),
   * and returns how many it removed.
   */
  public static int reapOrphans(ContainerRuntime runtime, Consumer<String> progress) {
    int reaped = 0;
    for (ContainerInfo container : runtime.listByLabel(BUILD_ID)) {
      boolean ours = PID_NAMESPACE.equals(container.labels().get(OWNER_PID_NAMESPACE));
      if (ours && !ownerAlive(container.labels())) {
        progress.accept(
            "removing container "
                + container.id().substring(0, Math.min(12, container.id().length()))
                + " left by build "
                + container.labels().get(BUILD_ID));
        runtime.remove(container.id());
        reaped++;
      }
    }
    return reaped;
  }

  static boolean ownerAlive(Map<String, String> labels) {
    long pid;
    try {
      pid = Long.parseLong(labels.getOrDefault(OWNER_PID, ""));
    } catch (NumberFormatException e) {
      return false;
    }
    String start = labels.getOrDefault(OWNER_START, "");
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            p -> startOf(p).map(i -> Long.toString(i.toEpochMilli()).equals(start)).orElse(false))
        .isPresent();
  }

  private static String pidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "unknown";
    }
  }

  private static Optional<Instant> startOf(ProcessHandle process) {
    return process.info().startInstant();
  }
}
