package org.perestroika.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.testing.TestingClock;

/** Calls that returned are in the H2 file even when the process dies right after them. */
class H2CrashTest {
  private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path stateDir;

  /** Runs {@code main} in a JVM of its own on the store, checks it halted, returns its output. */
  private String crashIn(Class<?> main) throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName(),
                stateDir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(true, child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(Crasher.EXIT, child.exitValue(), output);
    return output;
  }

  @Test
  void committedCallsSurviveTheProcessDyingWithoutClosingTheStore() throws Exception {
    String output = crashIn(Crasher.class);

    try (BuildStore store =
        JdbcBuildStore.open(
            DatabaseLocation.embedded(stateDir), TestingClock.at("2026-03-02T00:00:00Z"))) {
      List<BuildRecord> builds = store.recent(10);
      assertEquals(2, builds.size(), output);
      BuildRecord finished = builds.get(1);
      assertEquals(BuildState.SUCCEEDED, finished.state());
      assertEquals(Optional.of(1), finished.vote());
      assertEquals(BuildState.RUNNING, builds.get(0).state());
      assertEquals(Optional.of(AT), store.lastEventTime("gerrit"));
      assertFalse(store.recordVote(finished.id(), -1));
    }
  }

  @Test
  void buildIdsGoOnFromTheLastOneAfterTheProcessDied() throws Exception {
    // H2 hands out identities from a cache of 32 by default and a crash loses the rest of it:
    // b1, then b33 after a crash, then b65.
    for (int crash = 0; crash < 2; crash++) {
      crashIn(Enqueuer.class);
    }

    try (BuildStore store =
        JdbcBuildStore.open(
            DatabaseLocation.embedded(stateDir), TestingClock.at("2026-03-02T00:00:00Z"))) {
      store.enqueue(Builds.manual("abc1234"), "");
      assertEquals(
          List.of("b3", "b2", "b1"), store.recent(10).stream().map(BuildRecord::buildId).toList());
    }
  }

  /** Queues one build and halts the JVM at once, as a crash or kill -9 would. */
  static final class Enqueuer {
    public static void main(String[] args) {
      BuildStore store =
          JdbcBuildStore.open(DatabaseLocation.embedded(Path.of(args[0])), new TestingClock(AT));
      store.enqueue(Builds.manual("abc1234"), "");
      Runtime.getRuntime().halt(Crasher.EXIT);
    }
  }

  /** Records a few things and halts the JVM at once, as a crash or kill -9 would. */
  static final class Crasher {
    static final int EXIT = 37;

    public static void main(String[] args) throws IOException {
      BuildStore store =
          JdbcBuildStore.open(DatabaseLocation.embedded(Path.of(args[0])), new TestingClock(AT));
      BuildRecord finished = store.enqueue(Builds.manual("abc1234"), "");
      store.start(finished.id(), AT);
      store.finish(finished.id(), BuildState.SUCCEEDED, AT, Optional.empty(), "built");
      store.recordVote(finished.id(), 1);
      BuildRecord running = store.enqueue(Builds.manual("abc1234"), "");
      store.start(running.id(), AT);
      store.advanceLastEventTime("gerrit", AT);
      Runtime.getRuntime().halt(EXIT);
    }
  }
}
