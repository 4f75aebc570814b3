package org.perestroika.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.core.version.MosVersioning;
import org.perestroika.core.version.RpmVersion;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Compares package versions and derives MOS package versions by the mirror layout scheme. */
@CommandLine.Command(
    name = "versions",
    description = "Compare package versions and derive MOS package versions.",
    subcommands = {VersionsCommand.Compare.class, VersionsCommand.Mos.class})
final class VersionsCommand {

  /** Version comparators by package kind; each returns -1, 0 or 1. */
  static final Map<String, BiFunction<String, String, Integer>> COMPARATORS =
      Map.of(
          "deb", (a, b) -> DebianVersion.parse(a).compareTo(DebianVersion.parse(b)),
          "rpm", (a, b) -> RpmVersion.parse(a).compareTo(RpmVersion.parse(b)));

  @CommandLine.Command(
      name = "compare",
      description = "Print -1, 0 or 1 as version A sorts below, equal to or above version B.",
      footer = {
        "",
        "Examples (the spec's):",
        "  perestroika versions compare deb 2.1.0-1~u14.04+mos1 2.1.0-1   # -1",
        "  perestroika versions compare deb 2.1.0-0~u14.04+mos1 2.1.0     # -1: 0~ is low",
        "  perestroika versions compare deb 1.0-0u~u14.04+mos1 1.0-0      # 1",
        "  perestroika versions compare rpm 1.0~rc1-1 1.0-1               # -1"
      })
  static final class Compare implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "package kind: deb or rpm")
    String kind;

    @Parameters(index = "1", paramLabel = "A", description = "a version, such as 2.1.0-1")
    String a;

    @Parameters(index = "2", paramLabel = "B", description = "a version, such as 1:2.1.0-1")
    String b;

    @Override
    public Integer call() {
      BiFunction<String, String, Integer> comparator = COMPARATORS.get(kind);
      if (comparator == null) {
        throw new IllegalArgumentException(
            "unknown version kind '"
                + kind
                + "'; known kinds: "
                + String.join(", ", new TreeMap<>(COMPARATORS).keySet()));
      }
      System.out.println(Integer.signum(comparator.apply(a, b)));
      return Main.OK;
    }
  }

  @CommandLine.Command(
      name = "mos",
      description =
          "Derive MOS package versions: <upstream>-<revision>~<distro token>+mos<subrevision>.",
      subcommands = {Mos.Specific.class, Mos.Divergent.class, Mos.Next.class, Mos.Backport.class})
  static final class Mos {

    @CommandLine.Command(
        name = "specific",
        description = "Version of a package that exists only in MOS (revision always 1).",
        footer = {
          "",
          "Example (fuel-nailgun):",
          "  perestroika versions mos specific --upstream 6.1 --distro-token u14.04",
          "  -> 6.1-1~u14.04+mos1"
        })
    static final class Specific implements Callable<Integer> {
      @Option(
          names = "--upstream",
          required = true,
          description = "software version without Debian revision, such as 6.1")
      String upstream;

      @Mixin NewRevision revision;

      @Override
      public Integer call() {
        System.out.println(
            MosVersioning.mosSpecific(upstream, revision.distroToken, revision.subrevision));
        return Main.OK;
      }
    }

    @CommandLine.Command(
        name = "divergent",
        description =
            "Version of a MOS package diverging from a base distro package: keeps its revision up"
                + " to the vendor's trademark and sorts below it.",
        footer = {
          "",
          "Examples (qemu, ohai, an Ubuntu-specific 0ubuntuX package):",
          "  perestroika versions mos divergent --distro-token u14.04 --from 2.1.0-1",
          "  -> 2.1.0-1~u14.04+mos1",
          "  perestroika versions mos divergent --distro-token u14.04 \\",
          "      --from 6.14.0-2.3ubuntu4",
          "  -> 6.14.0-2.3~u14.04+mos1",
          "  perestroika versions mos divergent --distro-token u14.04 --from 1.0-0ubuntu1",
          "  -> 1.0-0u~u14.04+mos1 (0ubuntuX -> 0u~u14.04+mos, never 0~)"
        })
    static final class Divergent implements Callable<Integer> {
      @Option(
          names = "--from",
          required = true,
          description = "the base distro package's version, such as 6.14.0-2.3ubuntu4")
      String from;

      @Mixin NewRevision revision;

      @Override
      public Integer call() {
        System.out.println(
            MosVersioning.divergent(
                DebianVersion.parse(from), revision.distroToken, revision.subrevision));
        return Main.OK;
      }
    }

    @CommandLine.Command(
        name = "next",
        description =
            "The version after a MOS version: +mosN goes up while the upstream version and base"
                + " revision stay, and resets to +mos1 when either changes.",
        footer = {
          "",
          "Examples (ohai; a MOS-specific package):",
          "  perestroika versions mos next --previous 6.14.0-2.3~u14.04+mos1 \\",
          "      --upstream 6.14.0-2.3ubuntu4",
          "  -> 6.14.0-2.3~u14.04+mos2",
          "  perestroika versions mos next --previous 6.14.0-2.3~u14.04+mos2 \\",
          "      --upstream 6.14.0-3ubuntu1",
          "  -> 6.14.0-3~u14.04+mos1",
          "  perestroika versions mos next --previous 6.1-1~u14.04+mos1 --upstream 6.1",
          "  -> 6.1-1~u14.04+mos2"
        })
    static final class Next implements Callable<Integer> {
      @Option(
          names = "--previous",
          required = true,
          description = "the latest MOS version, such as 6.14.0-2.3~u14.04+mos1")
      String previous;

      @Option(
          names = "--upstream",
          required = true,
          description =
              "the base distro package's version, such as 6.14.0-3ubuntu1, or the software"
                  + " version of a MOS-specific package, such as 6.1")
      String upstream;

      @Override
      public Integer call() {
        System.out.println(
            MosVersioning.next(DebianVersion.parse(previous), DebianVersion.parse(upstream)));
        return Main.OK;
      }
    }

    @CommandLine.Command(
        name = "backport",
        description = "Version of an update for an older MOS release.",
        footer = {
          "",
          "Examples (qemu, from mos6.1 +mos1 and mos7.1 +mos2 or 2.2+dfsg-5exp...+mos3):",
          "  perestroika versions mos backport --subset --to-release mos6.1 \\",
          "      --from 2.1.0-1~u14.04+mos1",
          "  -> 2.1.0-1~u14.04+mos1+mos6.1+1",
          "  perestroika versions mos backport --whole --to-release mos6.1 \\",
          "      --from 2.1.0-1~u14.04+mos2",
          "  -> 2.1.0-1~u14.04+mos2~mos6.1+1",
          "  perestroika versions mos backport --whole --to-release mos7.0 \\",
          "      --from 2.2+dfsg-5exp~u14.04+mos3",
          "  -> 2.2+dfsg-5exp~u14.04+mos3~mos7.0+1"
        })
    static final class Backport implements Callable<Integer> {
      @Option(
          names = "--from",
          required = true,
          description =
              "with --subset the target release's primary version, with --whole the current"
                  + " release's version, such as 2.1.0-1~u14.04+mos1")
      String from;

      @Option(
          names = "--to-release",
          required = true,
          description = "the older release whose updates get the package, such as mos6.1")
      String toRelease;

      @ArgGroup(exclusive = true, multiplicity = "1")
      Scope scope;

      @Option(
          names = "--number",
          defaultValue = "1",
          description = "update subrevision, from 1 (default: ${DEFAULT-VALUE}), such as 2")
      int number;

      /** Exactly one of --whole and --subset. */
      static final class Scope {
        @Option(
            names = "--whole",
            required = true,
            description = "the whole package from the current release: <from>~mos6.1+1")
        boolean whole;

        @Option(
            names = "--subset",
            required = true,
            description = "a subset of the modifications: <from>+mos6.1+1")
        boolean subset;
      }

      @Override
      public Integer call() {
        DebianVersion version = DebianVersion.parse(from);
        System.out.println(
            scope.whole
                ? MosVersioning.backportWhole(version, toRelease, number)
                : MosVersioning.backportSubset(version, toRelease, number));
        return Main.OK;
      }
    }
  }

  /** The options of a new MOS revision: the base distro's token and the subrevision. */
  static final class NewRevision {
    @Option(
        names = "--distro-token",
        required = true,
        description = "base distro release, such as u14.04 (trusty) or deb12 (bookworm)")
    String distroToken;

    @Option(
        names = "--subrevision",
        defaultValue = "1",
        description = "the N in +mosN, from 1 (default: ${DEFAULT-VALUE}), such as 2")
    int subrevision;
  }
}
