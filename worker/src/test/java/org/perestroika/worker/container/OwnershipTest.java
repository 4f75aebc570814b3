package org.perestroika.worker.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  private static final ProcessHandle SELF = ProcessHandle.current();

  @Test
  void labelsNameTheBuildAndThisJvmByPidAndStartTime() {
    Map<String, String> labels = Ownership.labels("hello-1");

    assertEquals(
        Map.of(
            Ownership.BUILD_ID, "hello-1",
            Ownership.OWNER_PID, Long.toString(SELF.pid()),
            Ownership.OWNER_START, Long.toString(selfStart()),
            Ownership.OWNER_PID_NAMESPACE, pidNamespace()),
        labels);
    assertTrue(Ownership.ownerAlive(labels));
  }

  @Test
  void reapRemovesContainersWhoseOwnerIsGoneAndKeepsThoseOfLiveOwners() throws Exception {
    long finished = finishedProcessPid();
    FakeContainerRuntime runtime =
        new FakeContainerRuntime()
            .withContainer("0123456789abcdef-live", Ownership.labels("live"))
            .withContainer("dead-owner", owner("exited", finished, selfStart()))
            .withContainer("no-such-pid", owner("ghost", Long.MAX_VALUE, selfStart()))
            .withContainer("reused-pid", owner("reused", SELF.pid(), selfStart() - 1000))
            .withContainer(
                "garbled",
                Map.of(
                    Ownership.BUILD_ID,
                    "garbled",
                    Ownership.OWNER_PID,
                    "not-a-pid",
                    Ownership.OWNER_PID_NAMESPACE,
                    pidNamespace()))
            .withContainer("someone-elses", Map.of("com.example.app", "db"))
            .withContainer(
                "other-namespace",
                Map.of(
                    Ownership.BUILD_ID,
                    "elsewhere",
                    Ownership.OWNER_PID,
                    Long.toString(Long.MAX_VALUE),
                    Ownership.OWNER_PID_NAMESPACE,
                    "pid:[1]"));
    List<String> progress = new ArrayList<>();

    int reaped = Ownership.reapOrphans(runtime, progress::add);

    assertEquals(4, reaped);
    assertEquals(List.of("dead-owner", "no-such-pid", "reused-pid", "garbled"), runtime.removed());
    assertEquals(
        List.of("0123456789abcdef-live", "someone-elses", "other-namespace"),
        runtime.containers().stream().map(ContainerInfo::id).toList());
    assertEquals(
        List.of(
            "removing container dead-owner left by build exited",
            "removing container no-such-pid left by build ghost",
            "removing container reused-pid left by build reused",
            "removing container garbled left by build garbled"),
        progress);
  }

  @Test
  void longContainerIdsAreShortenedInProgressAsDockerShowsThem() {
    FakeContainerRuntime runtime =
        new FakeContainerRuntime()
            .withContainer("0123456789abcdef0123", owner("gone", Long.MAX_VALUE, 0));
    List<String> progress = new ArrayList<>();

    Ownership.reapOrphans(runtime, progress::add);

    assertEquals(List.of("removing container 0123456789ab left by build gone"), progress);
  }

  @Test
  void anOwnerWithoutAStartTimeIsNotTakenForAlive() {
    assertFalse(
        Ownership.ownerAlive(
            Map.of(Ownership.OWNER_PID, Long.toString(SELF.pid()), Ownership.BUILD_ID, "b")));
  }

  private static Map<String, String> owner(String buildId, long pid, long start) {
    return Map.of(
        Ownership.BUILD_ID,
        buildId,
        Ownership.OWNER_PID,
        Long.toString(pid),
        Ownership.OWNER_START,
        Long.toString(start),
        Ownership.OWNER_PID_NAMESPACE,
        pidNamespace());
  }

  /** This process's PID namespace, as the kernel names it: pid:[4026531836]. */
  private static String pidNamespace() {
    try {
      return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/pid"))
          .toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long selfStart() {
    return SELF.info().startInstant().orElseThrow().toEpochMilli();
  }

  /** The pid of a child process that has exited and been waited for. */
  private static long finishedProcessPid() throws IOException, InterruptedException {
    Process child = new ProcessBuilder("true").start();
    assertEquals(0, child.waitFor());
    assertFalse(child.isAlive());
    return child.pid();
  }
}
