package org.perestroika.publisher.apt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.publisher.PublishException;
import org.perestroika.publisher.mirror.SnapshotStore;

/**
 * reprepro run against one snapshot: its conf/ and db/, and its public/ as the output directory.
 * Signing is left to {@link org.perestroika.publisher.signing.GpgKeyring}, so conf/distributions
 * has no SignWith and reprepro never sees the key. The pool is shared by all snapshots, so reprepro
 * keeps the files a change leaves unreferenced (older snapshots may name them) until {@link
 * #deleteIfUnreferenced} is asked to remove them.
 */
final class Reprepro {
  /** reprepro's own escapes: it turns the two characters backslash and n into a newline. */
  private static final String LIST_FORMAT =
      "${$source} ${$sourceversion} ${$type} ${package} ${version} ${$architecture}"
          + " ${$component} ${$filekey}\\n";

  private static final Pattern SPACE = Pattern.compile(" ");

  private final CommandRunner runner;
  private final Path snapshot;

  Reprepro(CommandRunner runner, Path snapshot) {
    this.runner = runner;
    this.snapshot = snapshot;
  }

  /**
   * Adds an upload to a suite. The .changes names the distribution it was built for (bookworm), not
   * the suite it goes to, hence {@code --ignore=wrongdistribution}. reprepro 5.3 drops the
   * .buildinfo files a .changes lists (it keeps them only with Tracking or a LogDir), and it exits
   * 0 when it skips a package because the suite holds that version or a newer one, so callers check
   * the suite afterwards.
   */
  void include(String codename, Path changes) {
    runner.check(command("--ignore=wrongdistribution", "include", codename, changes.toString()));
  }

  /**
   * As {@link #include}, but leaves the suite's indices and Release file as they were, for a batch
   * that exports once at its end.
   */
  void includeWithoutExport(String codename, Path changes) {
    runner.check(
        command(
            "--export=never",
            "--ignore=wrongdistribution",
            "include",
            codename,
            changes.toString()));
  }

  /**
   * Copies what {@code from} holds of {@code source} at {@code version} (its .dsc, .debs and
   * .udebs) into {@code to}, verbatim: the same pool files, so the same bytes. Like include,
   * reprepro exits 0 when it found nothing to copy, so callers check the suite afterwards.
   */
  void copySource(String to, String from, String source, DebianVersion version) {
    runner.check(command("copysrc", to, from, source, version.toString()));
  }

  /** The sources {@code codename} holds, one "name version" each, sorted. */
  List<String> sourceNames(String codename) {
    CommandResult result =
        runner.check(command("--list-format", "${$source} ${$sourceversion}\\n", "list", codename));
    return result.stdout().lines().filter(line -> !line.isBlank()).distinct().sorted().toList();
  }

  /** Writes the index and Release files of the given suites, even empty ones. */
  void export(List<String> codenames) {
    List<String> args = new ArrayList<>(List.of("export"));
    args.addAll(codenames);
    runner.check(command(args.toArray(String[]::new)));
  }

  /** The pool files this snapshot's database knows but no suite names, as filekeys. */
  List<String> unreferenced() {
    return runner
        .check(command("dumpunreferenced"))
        .stdout()
        .lines()
        .filter(line -> !line.isBlank())
        .toList();
  }

  /**
   * Deletes the given pool files and forgets them, each unless a suite names it (then reprepro
   * keeps it and says so).
   */
  void deleteIfUnreferenced(List<String> filekeys) {
    if (!filekeys.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("deleteifunreferenced"));
      args.addAll(filekeys);
      runner.check(command(args.toArray(String[]::new)));
    }
  }

  /** Everything {@code codename} holds that was built from {@code source}. */
  List<HeldPackage> listSource(String codename, String source) {
    return listSources(codename, List.of(source));
  }

  /** Everything {@code codename} holds that was built from any of {@code sources}, in one run. */
  List<HeldPackage> listSources(String codename, List<String> sources) {
    for (String source : sources) {
      if (!ChangesFile.PACKAGE_NAME.matcher(source).matches()) {
        throw new IllegalArgumentException("'" + source + "' is not a source package name");
      }
    }
    String formula =
        String.join(" | ", sources.stream().map(source -> "$Source (== " + source + ")").toList());
    CommandResult result =
        runner.check(command("--list-format", LIST_FORMAT, "listfilter", codename, formula));
    List<HeldPackage> held = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = SPACE.split(line.strip());
      if (fields.length != 8) {
        throw new PublishException(
            "cannot read reprepro's listing of " + codename + ": unexpected line '" + line + "'");
      }
      held.add(
          new HeldPackage(
              fields[0],
              DebianVersion.parse(fields[1]),
              fields[2],
              fields[3],
              DebianVersion.parse(fields[4]),
              fields[5],
              fields[6],
              fields[7]));
    }
    return List.copyOf(held);
  }

  private Command command(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("reprepro");
    argv.add("--basedir");
    argv.add(snapshot.toString());
    argv.add("--confdir");
    argv.add(snapshot.resolve("conf").toString());
    argv.add("--dbdir");
    argv.add(snapshot.resolve("db").toString());
    argv.add("--outdir");
    argv.add(snapshot.resolve(SnapshotStore.PUBLIC).toString());
    argv.add("--keepunreferencedfiles");
    argv.addAll(List.of(args));
    return Command.of(argv);
  }
}
