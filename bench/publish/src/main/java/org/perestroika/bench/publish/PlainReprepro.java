package org.perestroika.bench.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;

/**
 * The baseline: reprepro on its own, one directory, signing through its own SignWith with the
 * publisher's key, and the same suites as the publisher's conf/distributions.
 */
final class PlainReprepro {
  private final CommandRunner runner;
  private final Path base;
  private final Map<String, String> env;

  PlainReprepro(CommandRunner runner, Path base, Path confFrom, String key, Path gnupgHome)
      throws IOException {
    this.runner = runner;
    this.base = base;
    this.env = Map.of("GNUPGHOME", gnupgHome.toString());
    Path conf = Files.createDirectories(base.resolve("conf"));
    String distributions =
        Files.readString(confFrom.resolve("distributions"), StandardCharsets.UTF_8)
            .replaceAll("(?m)^Description: (.*)$", "Description: $1\nSignWith: " + key);
    Files.writeString(conf.resolve("distributions"), distributions, StandardCharsets.UTF_8);
  }

  /** Includes an upload; without {@code export}, leaves the indices for a later {@link #export}. */
  void include(String codename, Path changes, boolean export) {
    runner.check(
        Command.of(
                "reprepro",
                "--basedir",
                base.toString(),
                "--export=" + (export ? "changed" : "never"),
                "--ignore=wrongdistribution",
                "include",
                codename,
                changes.toString())
            .withEnvironment(env));
  }

  void export(String codename) {
    runner.check(
        Command.of("reprepro", "--basedir", base.toString(), "export", codename)
            .withEnvironment(env));
  }
}
