package org.perestroika.scheduler.queue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A few open connections to one database, handed out one caller at a time. Connections that
 * reported a broken link are closed instead of reused.
 */
final class ConnectionPool implements AutoCloseable {
  /** How long a connection may sit idle before it is checked on the way out. */
  private static final long VALIDATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final long WAIT_SECONDS = 30;

  private final DatabaseLocation location;
  private final Semaphore permits;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  private record Idle(Connection connection, long since) {}

  ConnectionPool(DatabaseLocation location, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a pool needs at least one connection: " + size);
    }
    this.location = location;
    this.permits = new Semaphore(size, true);
  }

  /** A connection in auto-commit mode, to be given back through {@link #release}. */
  Connection borrow() throws SQLException {
    try {
      if (!permits.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new SQLException(
            "no database connection became free within " + WAIT_SECONDS + " seconds", "08001");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a database connection", "08001", e);
    }
    try {
      while (true) {
        Idle candidate;
        synchronized (this) {
          if (closed) {
            throw new SQLException("the build store is closed", "08003");
          }
          candidate = idle.pollFirst();
        }
        if (candidate == null) {
          return open();
        }
        boolean fresh = System.nanoTime() - candidate.since() < VALIDATE_AFTER_NANOS;
        if (fresh || candidate.connection().isValid(5)) {
          return candidate.connection();
        }
        closeQuietly(candidate.connection());
      }
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  /** Takes a connection back; one that failed with a broken link is closed instead. */
  void release(Connection connection, boolean broken) {
    boolean keep = !broken;
    try {
      keep = keep && !connection.isClosed() && connection.getAutoCommit();
    } catch (SQLException e) {
      keep = false;
    }
    synchronized (this) {
      if (keep && !closed) {
        idle.addFirst(new Idle(connection, System.nanoTime()));
        connection = null;
      }
    }
    if (connection != null) {
      closeQuietly(connection);
    }
    permits.release();
  }

  private Connection open() throws SQLException {
    Properties properties = new Properties();
    location.user().ifPresent(user -> properties.setProperty("user", user));
    location.password().ifPresent(password -> properties.setProperty("password", password));
    Connection connection = DriverManager.getConnection(location.url(), properties);
    try {
      connection.setAutoCommit(true);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      if (location.dialect() == Dialect.H2) {
        try (Statement statement = connection.createStatement()) {
          // H2 gives up on a locked row after one second by default; racing updates of one
          // build wait for each other instead, as they do on PostgreSQL.
          statement.execute("SET LOCK_TIMEOUT 10000");
          // By default H2 writes commits to its file up to half a second later, so a crash would
          // lose them; with no delay every commit is in the file before the call returns.
          statement.execute("SET WRITE_DELAY 0");
        }
      }
      return connection;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  @Override
  public void close() {
    Deque<Idle> closing;
    synchronized (this) {
      closed = true;
      closing = new ArrayDeque<>(idle);
      idle.clear();
    }
    for (Idle each : closing) {
      closeQuietly(each.connection());
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // Nothing more can be done with a connection that cannot even be closed.
    }
  }
}
