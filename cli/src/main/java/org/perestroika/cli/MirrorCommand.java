package org.perestroika.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.mirror.MirrorDestination;
import org.perestroika.publisher.mirror.MirrorSync;
import org.perestroika.publisher.mirror.RepositoryClone;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Publishes the repositories to mirror hosts, and copies a repository for offline installs. */
@CommandLine.Command(
    name = "mirror",
    description = "Sync the published repositories to a mirror, or clone a repository.",
    subcommands = {MirrorCommand.Sync.class, MirrorCommand.Clone.class})
final class MirrorCommand {
  @ParentCommand Main main;

  /** {@code perestroika mirror sync}. */
  @CommandLine.Command(
      name = "sync",
      description =
          "Send the current snapshot of every repository tree to a mirror, then switch the"
              + " mirror's served paths to it at once.")
  static final class Sync implements Callable<Integer> {
    @ParentCommand MirrorCommand mirror;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "DEST",
        description =
            "rsync://host[:port]/module[/path] (rsync daemon), [user@]host:/path (rsync over"
                + " ssh) or a local directory")
    String to;

    @Option(
        names = "--repo-root",
        description = "the repository root to mirror (default: the configured one)")
    Path repoRoot;

    @Option(
        names = "--keep-days",
        defaultValue = "7",
        description =
            "delete mirror snapshots not served for this many days; the current and the"
                + " previous one are always kept (default: ${DEFAULT-VALUE})")
    int keepDays;

    @Override
    public Integer call() {
      if (keepDays < 0) {
        throw new IllegalArgumentException("--keep-days must be 0 or more, got " + keepDays);
      }
      MirrorDestination destination = MirrorDestination.parse(to);
      try (Farm farm = new Farm(mirror.main.config().withRepoRoot(repoRoot))) {
        MirrorSync sync =
            new MirrorSync(farm.runner, farm.clock, line -> System.out.println("[mirror] " + line));
        MirrorSync.Result result =
            sync.sync(farm.config.repositoryRoot(), destination, Duration.ofDays(keepDays));
        System.out.println(
            "[mirror] "
                + destination
                + " now serves snapshot "
                + result.snapshot()
                + " (sent "
                + result.bytesSent()
                + " bytes"
                + (result.resumed() ? ", finishing an interrupted transfer" : "")
                + ")");
        return Main.OK;
      }
    }
  }

  /** {@code perestroika mirror clone}. */
  @CommandLine.Command(
      name = "clone",
      description =
          "Copy an apt repository (the base distro or a MOS mirror) to a local directory for"
              + " offline installs, checking every file against the signed InRelease.")
  static final class Clone implements Callable<Integer> {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "URL",
        description = "the repository's root, which holds dists/ (http, https or file:)")
    String from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "DIR",
        description = "where to keep the copy; becomes a link to its current snapshot")
    Path to;

    @Option(
        names = "--keyring",
        required = true,
        description = "the binary keyring (.gpg) the InRelease files must be signed with")
    Path keyring;

    @Option(
        names = "--dist",
        defaultValue = "bookworm",
        description =
            "the distribution's codename, such as bookworm or mos10.0 (default: ${DEFAULT-VALUE})")
    String dist;

    @Option(
        names = "--suites",
        split = ",",
        description =
            "which suites of the dist: base (the dist itself) or a suffix such as updates or"
                + " proposed for <dist>-<suffix> (default: base)")
    List<String> suites = new ArrayList<>(List.of("base"));

    @Option(names = "--components", split = ",", description = "components to copy (default: main)")
    List<String> components = new ArrayList<>(List.of("main"));

    @Option(
        names = "--arch",
        split = ",",
        description = "binary architectures to copy (default: amd64)")
    List<String> architectures = new ArrayList<>(List.of("amd64"));

    @Override
    public Integer call() {
      List<String> codenames =
          suites.stream().map(suite -> suite.equals("base") ? dist : dist + "-" + suite).toList();
      RepositoryClone.Request request =
          new RepositoryClone.Request(
              source(from), to, keyring, codenames, components, architectures);
      RepositoryClone clone =
          new RepositoryClone(
              RepositoryClone.httpClient(),
              new ProcessCommandRunner(),
              line -> System.out.println("[clone] " + line));
      RepositoryClone.Result result = clone.clone(request);
      System.out.println(
          "[clone] "
              + request.target()
              + (result.changed() ? " is up to date with " : " was already up to date with ")
              + request.source());
      System.out.println("[clone] to install from it, add these sources.list lines:");
      for (String codename : request.suites()) {
        System.out.println(
            "deb [signed-by="
                + request.keyring()
                + "] file:"
                + request.target()
                + " "
                + codename
                + " "
                + String.join(" ", request.components()));
      }
      return Main.OK;
    }

    private static URI source(String text) {
      try {
        URI uri = new URI(text);
        if (uri.getScheme() == null) {
          throw new IllegalArgumentException(
              "--from '" + text + "' is not a URL: give http://..., https://... or file:/...");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("--from '" + text + "' is not a URL: " + e.getMessage());
      }
    }
  }
}
