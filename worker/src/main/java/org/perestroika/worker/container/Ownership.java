package org.perestroika.worker.container;

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

  private Ownership() {}

  /** Labels for a container of this build, owned by the running JVM. */
  public static Map<String, String> labels(String buildId) {
    ProcessHandle self = ProcessHandle.current();
    Map<String, String> labels = new HashMap<>();
    labels.put(BUILD_ID, buildId);
    labels.put(OWNER_PID, Long.toString(self.pid()));
    labels.put(OWNER_START, startOf(self).map(i -> Long.toString(i.toEpochMilli())).orElse(""));
    return labels;
  }

  /**
   * Removes every build container whose owning process no longer runs (same pid and start time),
   * and returns how many it removed.
   */
  public static int reapOrphans(ContainerRuntime runtime, Consumer<String> progress) {
    int reaped = 0;
    for (ContainerInfo container : runtime.listByLabel(BUILD_ID)) {
      if (!ownerAlive(container.labels())) {
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

  private static Optional<Instant> startOf(ProcessHandle process) {
    return process.info().startInstant();
  }
}
