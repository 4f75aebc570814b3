package org.perestroika.scheduler.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.EnvironmentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema to the version this code knows, one versioned SQL script at a time,
 * each in a transaction of its own with its row in {@code schema_version}.
 */
final class SchemaMigrations {
  private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);
  private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)\\.sql");

  /** Any constant will do, as long as every Perestroika uses the same one. */
  private static final long POSTGRESQL_LOCK_KEY = 0x5045524553545231L;

  private final List<Migration> migrations;

  /** One script: its version, name, and SQL text. */
  record Migration(int version, String name, String sql) {
    Migration {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sql, "sql");
      if (version < 1) {
        throw new IllegalArgumentException("migration versions start at 1: " + version);
      }
    }

    String checksum() {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java has SHA-256", e);
      }
    }

    /**
     * The statements, split at semicolons that end a line; comment lines are dropped. Scripts
     * therefore keep semicolons out of line ends inside literals.
     */
    List<String> statements() {
      List<String> statements = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : sql.split("\n", -1)) {
        String trimmed = line.strip();
        if (trimmed.startsWith("--")) {
          continue;
        }
        current.append(line).append('\n');
        if (trimmed.endsWith(";")) {
          String statement = current.toString().strip();
          statements.add(statement.substring(0, statement.length() - 1));
          current.setLength(0);
        }
      }
      if (!current.toString().isBlank()) {
        throw new IllegalArgumentException(
            "migration " + name + " ends with a statement that has no semicolon");
      }
      return statements;
    }
  }

  SchemaMigrations(List<Migration> migrations) {
    this.migrations = List.copyOf(migrations);
    for (int i = 0; i < this.migrations.size(); i++) {
      if (this.migrations.get(i).version() != i + 1) {
        throw new IllegalArgumentException(
            "migration versions must run 1, 2, 3... without gaps, but #"
                + (i + 1)
                + " is "
                + this.migrations.get(i).name());
      }
    }
  }

  /** The scripts listed in {@code <directory>/index.txt} on the class path. */
  static SchemaMigrations fromClasspath(ClassLoader loader, String directory) {
    List<Migration> migrations = new ArrayList<>();
    for (String line : read(loader, directory + "/index.txt").split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      Matcher matcher = NAME.matcher(name);
      if (!matcher.matches()) {
        throw new IllegalArgumentException(
            "migration " + name + " is not named like V1__what_it_does.sql");
      }
      migrations.add(
          new Migration(
              Integer.parseInt(matcher.group(1)), name, read(loader, directory + "/" + name)));
    }
    return new SchemaMigrations(migrations);
  }

  /** The version a fully migrated database has. */
  int latestVersion() {
    return migrations.size();
  }

  /**
   * Applies every migration the database lacks and returns the version it is at.
   *
   * @throws EnvironmentException when the database is newer than this code, or a script that was
   *     applied to it has been changed since
   */
  int migrate(Connection connection, Dialect dialect, Clock clock, String database)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(true);
    // Two schedulers starting at once against one PostgreSQL must not both apply a migration.
    // An H2 file database is open in one process only.
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
        lock.setLong(1, POSTGRESQL_LOCK_KEY);
        lock.execute();
      }
    }
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
                + "version INTEGER PRIMARY KEY, "
                + "name VARCHAR(255) NOT NULL, "
                + "checksum VARCHAR(64) NOT NULL, "
                + "applied_at TIMESTAMP(3) WITH TIME ZONE NOT NULL)");
      }
      List<String> applied = appliedChecksums(connection, database);
      for (int i = 0; i < applied.size(); i++) {
        Migration migration = migrations.get(i);
        if (!migration.checksum().equals(applied.get(i))) {
          throw new EnvironmentException(
              "the build database "
                  + database
                  + " was migrated with a different "
                  + migration.name()
                  + " than this Perestroika has: restore the script as it was, or use a fresh"
                  + " database",
              false);
        }
      }
      for (Migration migration : migrations.subList(applied.size(), migrations.size())) {
        apply(connection, migration, clock, database);
      }
      return migrations.size();
    } finally {
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement unlock =
            connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          unlock.setLong(1, POSTGRESQL_LOCK_KEY);
          unlock.execute();
        }
      }
      connection.setAutoCommit(autoCommit);
    }
  }

  /** The applied scripts' checksums by version, after checking this code knows them all. */
  private List<String> appliedChecksums(Connection connection, String database)
      throws SQLException {
    List<String> checksums = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT version, checksum FROM schema_version ORDER BY version")) {
      while (rows.next()) {
        int version = rows.getInt(1);
        if (version > migrations.size()) {
          throw new EnvironmentException(
              "the build database "
                  + database
                  + " has schema version "
                  + version
                  + ", newer than the "
                  + migrations.size()
                  + " this Perestroika knows: it was upgraded by a newer Perestroika, so run that"
                  + " one, or restore a backup taken before the upgrade",
              false);
        }
        if (version != checksums.size() + 1) {
          throw new EnvironmentException(
              "the build database " + database + " lacks schema version " + (checksums.size() + 1),
              false);
        }
        checksums.add(rows.getString(2));
      }
    }
    return checksums;
  }

  private static void apply(Connection connection, Migration migration, Clock clock, String db)
      throws SQLException {
    log.info("migrating the build database {} to version {}", db, migration.version());
    connection.setAutoCommit(false);
    try {
      try (Statement statement = connection.createStatement()) {
        for (String sql : migration.statements()) {
          statement.execute(sql);
        }
      }
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO schema_version (version, name, checksum, applied_at)"
                  + " VALUES (?, ?, ?, ?)")) {
        insert.setInt(1, migration.version());
        insert.setString(2, migration.name());
        insert.setString(3, migration.checksum());
        insert.setObject(
            4, clock.instant().truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC));
        insert.executeUpdate();
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw new SQLException(
          "migration " + migration.name() + " failed and was rolled back: " + e.getMessage(),
          e.getSQLState(),
          e.getErrorCode(),
          e);
    } catch (RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
