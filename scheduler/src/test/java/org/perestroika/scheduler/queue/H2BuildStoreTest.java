package org.perestroika.scheduler.queue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.testing.TestingClock;

/** The build store contract on an H2 file database in a temporary state directory. */
class H2BuildStoreTest extends BuildStoreContract {
  @TempDir Path stateDir;

  @Override
  protected BuildStore open(TestingClock clock) {
    return JdbcBuildStore.open(DatabaseLocation.embedded(stateDir), clock);
  }
}
