package org.perestroika.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

  @Test
  void aDatabaseOfTheFirstSchemaGoesOnFromItsLastBuildNumberOnceUpgraded() throws IOException {
    String script;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("db/migration/V1__builds.sql")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    SchemaMigrations first =
        new SchemaMigrations(List.of(new SchemaMigrations.Migration(1, "V1__builds.sql", script)));
    try (BuildStore old =
        JdbcBuildStore.open(
            DatabaseLocation.embedded(stateDir), clock, JdbcBuildStore.DEFAULT_POOL_SIZE, first)) {
      old.enqueue(Builds.manual("abc1234"), "");
      old.enqueue(Builds.manual("abc1234"), "");
    }
    try (BuildStore upgraded = open(clock)) {
      assertEquals("b3", upgraded.enqueue(Builds.manual("abc1234"), "").buildId());
    }
  }
}
