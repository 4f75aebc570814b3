package org.perestroika.scheduler.queue;

/** The databases the build store runs on, and the little in which they differ. */
enum Dialect {
  H2("jdbc:h2:"),
  POSTGRESQL("jdbc:postgresql:");

  private final String prefix;

  Dialect(String prefix) {
    this.prefix = prefix;
  }

  static Dialect of(String url) {
    for (Dialect dialect : values()) {
      if (url.startsWith(dialect.prefix)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException(
        "unsupported build database URL "
            + url.split("[?;]", 2)[0]
            + ": use jdbc:h2:file:/path/to/builds or jdbc:postgresql://host/database");
  }
}
