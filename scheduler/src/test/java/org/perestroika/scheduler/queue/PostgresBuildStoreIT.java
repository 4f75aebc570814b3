package org.perestroika.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.perestroika.core.EnvironmentException;
import org.perestroika.testing.TestingClock;

/** The build store contract, and the migrations, on a real PostgreSQL 15 of the test's own. */
class PostgresBuildStoreIT extends BuildStoreContract {
  private static ThrowawayPostgres postgres;
  private DatabaseLocation database;

  @BeforeAll
  static void startPostgres() {
    postgres = ThrowawayPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void createDatabase() {
    database = postgres.createDatabase();
  }

  @Override
  protected BuildStore open(TestingClock clock) {
    return JdbcBuildStore.open(database, clock);
  }

  @Test
  void timesAreStoredAsUtcTimestampsWithMilliseconds() throws SQLException {
    open(clock).close();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet columns =
            statement.executeQuery(
                "SELECT data_type, datetime_precision FROM information_schema.columns"
                    + " WHERE table_name = 'builds' AND column_name = 'created_at'")) {
      assertTrue(columns.next());
      assertEquals("timestamp with time zone", columns.getString(1));
      assertEquals(3, columns.getInt(2));
    }
  }

  @Test
  void buildNumbersComeFromASequenceWithoutACache() throws SQLException {
    open(clock).close();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet sequence =
            statement.executeQuery(
                "SELECT seqcache FROM pg_sequence"
                    + " WHERE seqrelid = pg_get_serial_sequence('builds', 'id')::regclass")) {
      assertTrue(sequence.next());
      assertEquals(1, sequence.getLong(1));
    }
  }

  @Test
  void refusesADatabaseNewerThanTheCode() throws SQLException {
    open(clock).close();
    int known =
        SchemaMigrations.fromClasspath(getClass().getClassLoader(), "db/migration").latestVersion();
    int future = known + 1;
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO schema_version VALUES ("
              + future
              + ", 'V"
              + future
              + "__from_the_future.sql', 'x', now())");
    }
    EnvironmentException e = assertThrows(EnvironmentException.class, () -> open(clock));
    assertTrue(
        e.getMessage().contains("has schema version " + future + ", newer than the " + known),
        e.getMessage());
  }

  @Test
  void aFailingMigrationLeavesNoTraceOfItsSchemaChanges() throws SQLException {
    SchemaMigrations migrations =
        new SchemaMigrations(
            List.of(
                new SchemaMigrations.Migration(1, "V1__one.sql", "CREATE TABLE one (x INT);\n"),
                new SchemaMigrations.Migration(
                    2,
                    "V2__two.sql",
                    "CREATE TABLE two (x INT);\nINSERT INTO missing VALUES (1);\n")));
    try (Connection connection = connect()) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () -> migrations.migrate(connection, Dialect.POSTGRESQL, clock, "test"));
      assertTrue(e.getMessage().contains("V2__two.sql failed and was rolled back"), e.getMessage());
      try (Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT max(version), to_regclass('one') IS NOT NULL,"
                      + " to_regclass('two') IS NOT NULL FROM schema_version")) {
        assertTrue(rows.next());
        assertEquals(1, rows.getInt(1));
        assertTrue(rows.getBoolean(2));
        assertEquals(false, rows.getBoolean(3), "PostgreSQL rolls back the CREATE TABLE too");
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.url(), database.user().orElseThrow(), "");
  }
}
