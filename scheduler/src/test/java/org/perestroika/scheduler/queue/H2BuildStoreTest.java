package org.perestroika.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.testing.TestingClock;

/** The build store contract on an H2 file database in a temporary state directory. */
class H2BuildStoreTest extends BuildStoreContract {
  @TempDir Path stateDir;

  @Override
  protected BuildStore open(TestingClock clock) {
    return JdbcBuildStore.open(DatabaseLocation.embedded(stateDir), clock);
  }

  @Test
  void aFailedCallNamesTheBuildByItsBuildId() {
    BuildStore store = open(clock);
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    store.close();
    Instant at = clock.instant();
    String database = DatabaseLocation.embedded(stateDir).display();

    EnvironmentException start =
        assertThrows(EnvironmentException.class, () -> store.start(build.id(), at));
    assertEquals(
        "the build database "
            + database
            + " could not start build "
            + build.buildId()
            + ": the build store is closed",
        start.getMessage());
    EnvironmentException finish =
        assertThrows(
            EnvironmentException.class,
            () -> store.finish(build.id(), BuildState.FAILED, at, Optional.empty(), "x"));
    assertEquals(
        "the build database "
            + database
            + " could not record how build "
            + build.buildId()
            + " ended: the build store is closed",
        finish.getMessage());
  }
}
