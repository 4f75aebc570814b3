package org.perestroika.scheduler.queue;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the build database is: an embedded H2 file ({@code jdbc:h2:file:...}) or a PostgreSQL
 * server ({@code jdbc:postgresql://...}), with the credentials to use. The password never appears
 * in {@link #toString()} or {@link #display()}.
 */
public record DatabaseLocation(String url, Optional<String> user, Optional<String> password) {

  /** The file name, without H2's own {@code .mv.db} suffix, of the default embedded database. */
  public static final String EMBEDDED_NAME = "scheduler/builds";

  public DatabaseLocation {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Dialect.of(url);
  }

  /** The default: an H2 file database under the state directory, owned by this process alone. */
  public static DatabaseLocation embedded(Path stateDir) {
    Path file = stateDir.toAbsolutePath().normalize().resolve(EMBEDDED_NAME);
    // The scheduler closes the database itself once its last build is recorded, so H2 must not
    // close it earlier from its own shutdown hook.
    return new DatabaseLocation(
        "jdbc:h2:file:" + file + ";DB_CLOSE_ON_EXIT=FALSE", Optional.empty(), Optional.empty());
  }

  /** A database given by its JDBC URL alone, with credentials in it or not needed. */
  public static DatabaseLocation of(String url) {
    return new DatabaseLocation(url, Optional.empty(), Optional.empty());
  }

  /** The URL without its parameters, which may hold a password: safe for messages and logs. */
  public String display() {
    int cut = url.length();
    for (char separator : new char[] {'?', ';'}) {
      int at = url.indexOf(separator);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    return url.substring(0, cut);
  }

  Dialect dialect() {
    return Dialect.of(url);
  }

  @Override
  public String toString() {
    return "DatabaseLocation[" + display() + user.map(u -> " as " + u).orElse("") + "]";
  }
}
