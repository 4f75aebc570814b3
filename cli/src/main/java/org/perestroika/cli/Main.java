package org.perestroika.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.perestroika.core.config.ConfigLoader;
import org.perestroika.core.config.PerestroikaConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code perestroika} command: builds packages in clean containers and publishes them. */
@Command(
    name = "perestroika",
    // Every subcommand, at any depth, gets --help and -h, so a new one cannot miss them. It also
    // gets any attribute it leaves unset, such as the description: each must give its own.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "perestroika 0.1.0",
    description = "Builds packages in short-lived containers and publishes signed repositories.",
    subcommands = {
      SetupCommand.class,
      ChrootCommand.class,
      BuildCommand.class,
      PublishCommand.class,
      PromoteCommand.class,
      ClientConfigCommand.class,
      RepoCommand.class,
      MirrorCommand.class,
      SchedulerCommand.class,
      VersionsCommand.class
    })
public final class Main {
  /** The package built, or the command did what was asked. */
  static final int OK = 0;

  /** The package failed to build, the repository refused it, or a release failed its check. */
  static final int REFUSED = 1;

  /** Bad usage, bad input or an environment that is not ready; the message says what to do. */
  static final int ERROR = 2;

  static final Path DEFAULT_CONFIG = Path.of("/etc/perestroika/perestroika.yaml");

  // INHERIT lets these go before or after the subcommand. The subcommands' copies of an inherited
  // option set these very fields, so config() sees the value wherever it was given.
  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "YAML configuration (default: ${DEFAULT-VALUE} when it exists)",
      defaultValue = "/etc/perestroika/perestroika.yaml")
  Path configFile;

  @Option(
      names = "--state-dir",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "where chroots, builds, keys and repositories live")
  Path stateDir;

  PerestroikaConfig config() {
    Optional<Path> override = Optional.ofNullable(stateDir);
    if (Files.exists(configFile)) {
      return ConfigLoader.load(configFile, override);
    }
    if (!configFile.equals(DEFAULT_CONFIG)) {
      throw new IllegalArgumentException("configuration file " + configFile + " does not exist");
    }
    return ConfigLoader.defaults(override);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          commandLine.getErr().println("perestroika: error: " + Errors.describe(e));
          if (Errors.isInternal(e)) {
            e.printStackTrace(commandLine.getErr());
          }
          return ERROR;
        });
    cli.setExitCodeExceptionMapper(e -> ERROR);
    return cli.execute(args);
  }
}
