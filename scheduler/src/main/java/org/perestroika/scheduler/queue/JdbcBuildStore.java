package org.perestroika.scheduler.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.EnvironmentException;

/**
 * The build store over plain JDBC, on an embedded H2 file database or on PostgreSQL, with one
 * schema for both. Every call is one statement in auto-commit mode (or a retry loop of them), so
 * the database's row locks, not Java, decide the races between threads and processes.
 *
 * <p>Times are kept as UTC with millisecond precision: records read back carry instants truncated
 * to the millisecond. An empty repository and empty optionals are stored as NULL.
 */
public final class JdbcBuildStore implements BuildStore {
  /** Enough for the scheduler's few threads and the HTTP API; H2 files are fine with a few. */
  public static final int DEFAULT_POOL_SIZE = 8;

  /** What {@link BuildRecord#buildIdOf} makes of a store number. */
  private static final Pattern BUILD_ID = Pattern.compile("b([1-9][0-9]{0,17})");

  private static final String UNIQUE_VIOLATION = "23505";

  /** PostgreSQL's code, then H2's, for a row that refers to a missing one. */
  private static final List<String> FOREIGN_KEY_VIOLATIONS = List.of("23503", "23506");

  private static final String COLUMNS =
      "b.id, b.build_trigger, b.gerrit_server, b.change_number, b.patchset, b.project, b.branch,"
          + " b.customer, b.release_name, b.dist, b.package_name, b.code_commit, b.spec_commit,"
          + " b.environment_id, b.state, b.created_at, b.started_at, b.finished_at, b.repository,"
          + " b.log_path, b.summary, v.vote";
  private static final String SELECT =
      "SELECT " + COLUMNS + " FROM builds b LEFT JOIN votes v ON v.build = b.id";
  private static final String ACTIVE = "('QUEUED', 'RUNNING')";

  private final DatabaseLocation location;
  private final ConnectionPool pool;
  private final Clock clock;

  private JdbcBuildStore(DatabaseLocation location, ConnectionPool pool, Clock clock) {
    this.location = location;
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * Opens the database, creating or upgrading its schema first.
   *
   * @param clock the source of {@link BuildRecord#createdAt()} and of migration times
   * @throws EnvironmentException when the database cannot be reached or has a schema this code does
   *     not know
   */
  public static JdbcBuildStore open(DatabaseLocation location, Clock clock) {
    return open(location, clock, DEFAULT_POOL_SIZE);
  }

  public static JdbcBuildStore open(DatabaseLocation location, Clock clock, int poolSize) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(clock, "clock");
    return open(
        location,
        clock,
        poolSize,
        SchemaMigrations.fromClasspath(JdbcBuildStore.class.getClassLoader(), "db/migration"));
  }

  static JdbcBuildStore open(
      DatabaseLocation location, Clock clock, int poolSize, SchemaMigrations migrations) {
    ConnectionPool pool = new ConnectionPool(location, poolSize);
    JdbcBuildStore store = new JdbcBuildStore(location, pool, clock);
    try {
      store.call(
          "bring its schema up to date",
          connection ->
              migrations.migrate(connection, location.dialect(), clock, location.display()));
      return store;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  @Override
  public BuildRecord enqueue(NewBuild build, String repository) {
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(repository, "repository");
    OffsetDateTime now = utc(clock.instant());
    long id =
        call(
            "record a new build",
            connection -> {
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      "INSERT INTO builds (build_trigger, gerrit_server, change_number, patchset,"
                          + " project, branch, customer, release_name, dist, package_name,"
                          + " code_commit, spec_commit, environment_id, inputs_key, state,"
                          + " created_at, repository)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?)",
                      Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, build.trigger().name());
                insert.setString(2, build.gerritServer());
                setInteger(insert, 3, build.change());
                setInteger(insert, 4, build.patchset());
                insert.setString(5, build.project());
                insert.setString(6, build.branch());
                insert.setString(7, build.customer());
                insert.setString(8, build.release());
                insert.setString(9, build.dist());
                insert.setString(10, build.packageName());
                insert.setString(11, build.codeCommit());
                insert.setString(12, build.specCommit().orElse(null));
                insert.setString(13, build.environmentId());
                insert.setString(14, build.inputsKey());
                insert.setObject(15, now);
                insert.setString(16, repository.isEmpty() ? null : repository);
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                  if (!keys.next()) {
                    throw new SQLException("the database returned no id for the new build");
                  }
                  // The id is the first column on both databases: H2 returns only it,
                  // PostgreSQL the whole row.
                  return keys.getLong(1);
                }
              }
            });
    return new BuildRecord(
        id,
        BuildRecord.buildIdOf(id),
        build,
        BuildState.QUEUED,
        now.toInstant(),
        Optional.empty(),
        Optional.empty(),
        repository,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  @Override
  public Optional<BuildRecord> get(long id) {
    List<BuildRecord> found =
        query("read build " + BuildRecord.buildIdOf(id), SELECT + " WHERE b.id = ?", id);
    return found.stream().findFirst();
  }

  @Override
  public Optional<BuildRecord> getByBuildId(String buildId) {
    Matcher matcher = BUILD_ID.matcher(Objects.requireNonNull(buildId, "buildId"));
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return get(Long.parseLong(matcher.group(1)));
  }

  @Override
  public List<BuildRecord> recent(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return query("list recent builds", SELECT + " ORDER BY b.id DESC LIMIT ?", limit);
  }

  @Override
  public List<BuildRecord> activeForChange(String gerritServer, int change) {
    Objects.requireNonNull(gerritServer, "gerritServer");
    return query(
        "list the active builds of change " + change,
        SELECT
            + " WHERE b.gerrit_server = ? AND b.change_number = ? AND b.state IN "
            + ACTIVE
            + " ORDER BY b.id",
        gerritServer,
        change);
  }

  @Override
  public List<BuildRecord> forPatchset(
      String gerritServer, int change, int patchset, BuildTrigger trigger) {
    Objects.requireNonNull(gerritServer, "gerritServer");
    return query(
        "list the builds of change " + change + " patch set " + patchset,
        SELECT
            + " WHERE b.gerrit_server = ? AND b.change_number = ? AND b.patchset = ?"
            + " AND b.build_trigger = ? ORDER BY b.id",
        gerritServer,
        change,
        patchset,
        trigger.name());
  }

  @Override
  public List<BuildRecord> unfinished() {
    return query(
        "list unfinished builds", SELECT + " WHERE b.state IN " + ACTIVE + " ORDER BY b.id");
  }

  @Override
  public Optional<BuildRecord> succeededWithInputs(String inputsKey) {
    Objects.requireNonNull(inputsKey, "inputsKey");
    return query(
            "look for a build with the same inputs",
            SELECT
                + " WHERE b.inputs_key = ? AND b.state = 'SUCCEEDED'"
                + " ORDER BY b.finished_at DESC, b.id DESC LIMIT 1",
            inputsKey)
        .stream()
        .findFirst();
  }

  @Override
  public boolean start(long id, Instant at) {
    Objects.requireNonNull(at, "at");
    return update(
            "start build " + BuildRecord.buildIdOf(id),
            "UPDATE builds SET state = 'RUNNING', started_at = ? WHERE id = ? AND state = 'QUEUED'",
            utc(at),
            id)
        == 1;
  }

  @Override
  public void requeue(long id) {
    update(
        "requeue build " + BuildRecord.buildIdOf(id),
        "UPDATE builds SET state = 'QUEUED', started_at = NULL WHERE id = ? AND state = 'RUNNING'",
        id);
  }

  @Override
  public boolean finish(
      long id, BuildState state, Instant at, Optional<String> logPath, String summary) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(logPath, "logPath");
    Objects.requireNonNull(summary, "summary");
    if (!state.isFinal()) {
      throw new IllegalArgumentException("a build ends in a final state, not " + state);
    }
    return update(
            "record how build " + BuildRecord.buildIdOf(id) + " ended",
            "UPDATE builds SET state = ?, finished_at = ?, log_path = ?, summary = ?"
                + " WHERE id = ? AND state IN "
                + ACTIVE,
            state.name(),
            utc(at),
            logPath.orElse(null),
            summary,
            id)
        == 1;
  }

  @Override
  public boolean recordVote(long id, int value) {
    OffsetDateTime now = utc(clock.instant());
    return call(
        "record the vote of build " + BuildRecord.buildIdOf(id),
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO votes (build, vote, recorded_at) VALUES (?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setInt(2, value);
            insert.setObject(3, now);
            insert.executeUpdate();
            return true;
          } catch (SQLException e) {
            // The primary key, not a check before the insert, keeps a second vote out: two
            // threads (or two processes) cannot both pass it.
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              return false;
            }
            if (FOREIGN_KEY_VIOLATIONS.contains(e.getSQLState())) {
              throw new IllegalArgumentException(
                  "no build " + BuildRecord.buildIdOf(id) + " to record a vote for", e);
            }
            throw e;
          }
        });
  }

  @Override
  public Optional<Instant> lastEventTime(String gerritServer) {
    Objects.requireNonNull(gerritServer, "gerritServer");
    return call(
        "read how far the events of " + gerritServer + " were read",
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT last_event_at FROM gerrit_event_marks WHERE gerrit_server = ?")) {
            select.setString(1, gerritServer);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? instant(rows, "last_event_at") : Optional.<Instant>empty();
            }
          }
        });
  }

  @Override
  public void advanceLastEventTime(String gerritServer, Instant createdOn) {
    Objects.requireNonNull(gerritServer, "gerritServer");
    OffsetDateTime at = utc(Objects.requireNonNull(createdOn, "createdOn"));
    call(
        "record how far the events of " + gerritServer + " were read",
        connection -> {
          // Rows are never deleted, so once the server's row exists the guarded UPDATE alone
          // decides, whatever the interleaving: the mark cannot move backwards.
          if (moveMarkForward(connection, gerritServer, at)) {
            return null;
          }
          // Guarded, so that the usual case of an event no newer than the mark (Gerrit's times
          // have whole seconds) does not fill PostgreSQL's log with key violations.
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO gerrit_event_marks (gerrit_server, last_event_at) SELECT ?, ?"
                      + " WHERE NOT EXISTS"
                      + " (SELECT 1 FROM gerrit_event_marks WHERE gerrit_server = ?)")) {
            insert.setString(1, gerritServer);
            insert.setObject(2, at);
            insert.setString(3, gerritServer);
            if (insert.executeUpdate() == 1) {
              return null;
            }
          } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw e;
            }
          }
          // The row exists, perhaps created by another caller since the update, with an older
          // time.
          moveMarkForward(connection, gerritServer, at);
          return null;
        });
  }

  private static boolean moveMarkForward(
      Connection connection, String gerritServer, OffsetDateTime at) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE gerrit_event_marks SET last_event_at = ?"
                + " WHERE gerrit_server = ? AND last_event_at < ?")) {
      update.setObject(1, at);
      update.setString(2, gerritServer);
      update.setObject(3, at);
      return update.executeUpdate() == 1;
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "JdbcBuildStore[" + location.display() + "]";
  }

  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T call(String what, Work<T> work) {
    Connection connection;
    try {
      connection = pool.borrow();
    } catch (SQLException e) {
      throw fault(what, e);
    }
    boolean broken = false;
    try {
      return work.run(connection);
    } catch (SQLException e) {
      broken = isConnectionFault(e);
      throw fault(what, e);
    } finally {
      pool.release(connection, broken);
    }
  }

  private List<BuildRecord> query(String what, String sql, Object... parameters) {
    return call(
        what,
        connection -> {
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, parameters);
            List<BuildRecord> records = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                records.add(read(rows));
              }
            }
            return List.copyOf(records);
          }
        });
  }

  private int update(String what, String sql, Object... parameters) {
    return call(
        what,
        connection -> {
          try (PreparedStatement update = connection.prepareStatement(sql)) {
            bind(update, parameters);
            return update.executeUpdate();
          }
        });
  }

  private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      Object parameter = parameters[i];
      if (parameter == null) {
        statement.setNull(i + 1, Types.VARCHAR);
      } else {
        statement.setObject(i + 1, parameter);
      }
    }
  }

  private static BuildRecord read(ResultSet rows) throws SQLException {
    long id = rows.getLong("id");
    NewBuild request =
        new NewBuild(
            BuildTrigger.valueOf(rows.getString("build_trigger")),
            rows.getString("gerrit_server"),
            Optional.ofNullable(rows.getObject("change_number", Integer.class)),
            Optional.ofNullable(rows.getObject("patchset", Integer.class)),
            rows.getString("project"),
            rows.getString("branch"),
            rows.getString("customer"),
            rows.getString("release_name"),
            rows.getString("dist"),
            rows.getString("package_name"),
            rows.getString("code_commit"),
            Optional.ofNullable(rows.getString("spec_commit")),
            rows.getString("environment_id"));
    return new BuildRecord(
        id,
        BuildRecord.buildIdOf(id),
        request,
        BuildState.valueOf(rows.getString("state")),
        instant(rows, "created_at").orElseThrow(),
        instant(rows, "started_at"),
        instant(rows, "finished_at"),
        Objects.requireNonNullElse(rows.getString("repository"), ""),
        Optional.ofNullable(rows.getString("log_path")),
        Optional.ofNullable(rows.getString("summary")),
        Optional.ofNullable(rows.getObject("vote", Integer.class)));
  }

  private static void setInteger(PreparedStatement statement, int index, Optional<Integer> value)
      throws SQLException {
    if (value.isPresent()) {
      statement.setInt(index, value.get());
    } else {
      statement.setNull(index, Types.INTEGER);
    }
  }

  private static Optional<Instant> instant(ResultSet rows, String column) throws SQLException {
    return Optional.ofNullable(rows.getObject(column, OffsetDateTime.class))
        .map(OffsetDateTime::toInstant);
  }

  private static OffsetDateTime utc(Instant at) {
    return at.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
  }

  private static boolean isConnectionFault(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }

  /** Turns a database failure into a message naming the database, classified for retrying. */
  private EnvironmentException fault(String what, SQLException e) {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    if (state.equals("90020")) {
      return new EnvironmentException(
          "the build database "
              + location.display()
              + " is open in another process: is another scheduler running on this state"
              + " directory?",
          true,
          e);
    }
    boolean retryable =
        isConnectionFault(e)
            || state.startsWith("40")
            || state.startsWith("53")
            || state.equals("HYT00");
    return new EnvironmentException(
        "the build database " + location.display() + " could not " + what + ": " + e.getMessage(),
        retryable,
        e);
  }
}
