package org.perestroika.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.scheduler.queue.SchemaMigrations.Migration;
import org.perestroika.testing.TestingClock;

class SchemaMigrationsTest {
  private final TestingClock clock = TestingClock.at("2026-03-01T10:00:00Z");
  @TempDir Path dir;
  private Connection connection;

  @BeforeEach
  void connect() throws SQLException {
    connection = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db"));
  }

  @AfterEach
  void disconnect() throws SQLException {
    connection.close();
  }

  @Test
  void theIndexListsEveryScriptOfTheDirectoryInOrder() throws IOException, URISyntaxException {
    Path directory =
        Path.of(getClass().getClassLoader().getResource("db/migration/index.txt").toURI())
            .getParent();
    List<String> scripts;
    try (Stream<Path> files = Files.list(directory)) {
      scripts =
          files
              .map(file -> file.getFileName().toString())
              .filter(name -> name.endsWith(".sql"))
              .sorted((a, b) -> Integer.compare(version(a), version(b)))
              .toList();
    }
    SchemaMigrations migrations =
        SchemaMigrations.fromClasspath(getClass().getClassLoader(), "db/migration");
    assertEquals(scripts.size(), migrations.latestVersion());
    assertEquals(scripts.size(), version(scripts.get(scripts.size() - 1)));
  }

  @Test
  void aFreshDatabaseGetsEveryMigrationOnceWithItsRow() throws SQLException {
    SchemaMigrations migrations =
        SchemaMigrations.fromClasspath(getClass().getClassLoader(), "db/migration");
    assertEquals(
        migrations.latestVersion(), migrations.migrate(connection, Dialect.H2, clock, "test"));
    assertEquals(
        migrations.latestVersion(), migrations.migrate(connection, Dialect.H2, clock, "test"));
    assertEquals(List.of("1 V1__builds.sql", "2 V2__build_ids_without_cache.sql"), versions());
  }

  @Test
  void refusesADatabaseNewerThanTheCode() throws SQLException {
    SchemaMigrations one = new SchemaMigrations(List.of(table(1, "one")));
    new SchemaMigrations(List.of(table(1, "one"), table(2, "two")))
        .migrate(connection, Dialect.H2, clock, "jdbc:h2:file:/x/builds");

    EnvironmentException e =
        assertThrows(
            EnvironmentException.class,
            () -> one.migrate(connection, Dialect.H2, clock, "jdbc:h2:file:/x/builds"));
    assertEquals(
        "the build database jdbc:h2:file:/x/builds has schema version 2, newer than the 1 this"
            + " Perestroika knows: it was upgraded by a newer Perestroika, so run that one, or"
            + " restore a backup taken before the upgrade",
        e.getMessage());
  }

  @Test
  void upgradesAnOlderDatabaseStepByStep() throws SQLException {
    new SchemaMigrations(List.of(table(1, "one"))).migrate(connection, Dialect.H2, clock, "t");
    new SchemaMigrations(List.of(table(1, "one"), table(2, "two")))
        .migrate(connection, Dialect.H2, clock, "t");
    assertEquals(List.of("1 V1__one.sql", "2 V2__two.sql"), versions());
  }

  @Test
  void aFailingMigrationRollsBackItsDataAndLeavesTheVersion() throws SQLException {
    Migration fill =
        new Migration(
            2, "V2__fill.sql", "INSERT INTO one VALUES (1);\nINSERT INTO missing VALUES (1);\n");
    SchemaMigrations migrations = new SchemaMigrations(List.of(table(1, "one"), fill));
    SQLException e =
        assertThrows(
            SQLException.class, () -> migrations.migrate(connection, Dialect.H2, clock, "t"));
    assertTrue(e.getMessage().startsWith("migration V2__fill.sql failed and was rolled back"));
    assertEquals(List.of("1 V1__one.sql"), versions());
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM one")) {
      rows.next();
      assertEquals(0, rows.getInt(1));
    }
  }

  @Test
  void refusesAScriptChangedAfterItWasApplied() throws SQLException {
    new SchemaMigrations(List.of(table(1, "one"))).migrate(connection, Dialect.H2, clock, "t");
    SchemaMigrations changed =
        new SchemaMigrations(
            List.of(new Migration(1, "V1__one.sql", "CREATE TABLE one (y INT);\n")));
    EnvironmentException e =
        assertThrows(
            EnvironmentException.class, () -> changed.migrate(connection, Dialect.H2, clock, "t"));
    assertTrue(e.getMessage().contains("different V1__one.sql"), e.getMessage());
  }

  @Test
  void versionsMustRunWithoutGaps() {
    assertThrows(
        IllegalArgumentException.class, () -> new SchemaMigrations(List.of(table(2, "two"))));
  }

  @Test
  void scriptsSplitAtSemicolonsEndingALineAndDropComments() {
    Migration migration =
        new Migration(
            1,
            "V1__x.sql",
            "-- a comment; with a semicolon;\nCREATE TABLE a (\n  x VARCHAR(3) DEFAULT ';'\n);\n\n"
                + "CREATE INDEX a_x ON a (x);\n");
    assertEquals(
        List.of("CREATE TABLE a (\n  x VARCHAR(3) DEFAULT ';'\n)", "CREATE INDEX a_x ON a (x)"),
        migration.statements());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Migration(1, "V1__y.sql", "CREATE TABLE b (x INT)\n").statements());
  }

  private static Migration table(int version, String name) {
    return new Migration(
        version, "V" + version + "__" + name + ".sql", "CREATE TABLE " + name + " (x INT);\n");
  }

  private static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private List<String> versions() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT version, name FROM schema_version ORDER BY version")) {
      List<String> versions = new ArrayList<>();
      while (rows.next()) {
        versions.add(rows.getInt(1) + " " + rows.getString(2));
      }
      return versions;
    }
  }
}
