package org.perestroika.scheduler.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;

/**
 * A PostgreSQL 15 cluster of its own in a temporary directory, listening on a free port of
 * 127.0.0.1 with its sockets in that directory, deleted on close. As root, it runs as the {@code
 * postgres} user, because PostgreSQL refuses to run as root.
 */
final class ThrowawayPostgres implements AutoCloseable {
  /** Where Debian installs PostgreSQL 15's server programs, which are not on the PATH. */
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private static final String SUPERUSER = "perestroika";

  private final CommandRunner runner = new ProcessCommandRunner();
  private final Path dir;
  private final Path data;
  private final boolean asPostgres;
  private final int port;
  private int databases;

  private ThrowawayPostgres(Path dir, boolean asPostgres, int port) {
    this.dir = dir;
    this.data = dir.resolve("data");
    this.asPostgres = asPostgres;
    this.port = port;
  }

  /** Starts a cluster, or skips (fails under CI=true) when PostgreSQL 15 is not installed. */
  static ThrowawayPostgres start() {
    for (String program : List.of("initdb", "pg_ctl", "postgres")) {
      Requirements.require(
          Files.isExecutable(BIN.resolve(program)),
          "PostgreSQL 15's " + BIN.resolve(program) + " (apt-get install postgresql)");
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      Requirements.requirePrograms("runuser");
      Requirements.require(postgresUserExists(), "the postgres user (apt-get install postgresql)");
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("perestroika-postgres-");
      if (root) {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ThrowawayPostgres postgres = new ThrowawayPostgres(dir, root, freePort());
    try {
      postgres.startCluster();
      return postgres;
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  private void startCluster() {
    run(
        "initdb",
        "-D",
        data.toString(),
        "-U",
        SUPERUSER,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync");
    run(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "start");
  }

  /** A new, empty database in the cluster. */
  DatabaseLocation createDatabase() {
    String name = "builds_" + ++databases;
    try (Connection connection = DriverManager.getConnection(url("postgres"), SUPERUSER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + ": " + e, e);
    }
    return new DatabaseLocation(url(name), Optional.of(SUPERUSER), Optional.empty());
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  @Override
  public void close() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private void run(String program, String... arguments) {
    List<String> argv = new ArrayList<>();
    if (asPostgres) {
      argv.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    argv.add(BIN.resolve(program).toString());
    argv.addAll(List.of(arguments));
    // The postgres user may not be able to enter the directory the tests run in.
    runner.check(Command.of(argv).inDirectory(dir).withTimeout(Duration.ofMinutes(2)));
  }

  private static boolean postgresUserExists() {
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      return true;
    } catch (UserPrincipalNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
