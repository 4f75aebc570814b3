package org.perestroika.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.config.PerestroikaConfig;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.Release;
import org.perestroika.publisher.check.CertificationReport;
import org.perestroika.publisher.check.ReleaseCertifier;
import org.perestroika.worker.chroot.ChrootSnapshot;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Inspects the published repositories. */
@CommandLine.Command(
    name = "repo",
    mixinStandardHelpOptions = true,
    description = "Inspect published repositories.",
    subcommands = {RepoCommand.Check.class})
final class RepoCommand {
  @ParentCommand Main main;

  /** Certifies a published release; exits 1 with the report when it fails. */
  @CommandLine.Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Certify a published release: signatures and checksums, the release progression,"
            + " installability of every binary package and satisfiability of every source"
            + " package's build dependencies, from the release plus the base distribution.",
        "Exits 0 when the release passes, 1 when it fails (the report says why), 2 when it"
            + " cannot be checked."
      })
  static final class Check implements Callable<Integer> {
    @ParentCommand RepoCommand repo;

    @Option(names = "--release", required = true, description = "release, such as mos10.0")
    String release;

    @Option(names = "--repo-root", description = "mirror root holding one repository per OS family")
    Path repoRoot;

    @Option(
        names = "--dist",
        description =
            "the dist the release is built for; picks the OS family (default: the image dist)")
    String dist;

    @Option(
        names = "--base-packages",
        arity = "1..*",
        paramLabel = "FILE",
        description =
            "the base distribution's Packages files (plain, .gz or .xz); default: the apt lists"
                + " of the dist's build chroot")
    List<Path> basePackages = new ArrayList<>();

    @Override
    public Integer call() {
      Release checked = new Release(release);
      try (Farm farm = new Farm(repo.main.config().withRepoRoot(repoRoot))) {
        PerestroikaConfig config = farm.config;
        Dist target = config.dist(dist == null ? config.imageDist() : dist);
        List<Path> base = basePackages;
        String note = "";
        if (base.isEmpty()) {
          ChrootSnapshot chroot = farm.chroots().require(target.name());
          base = chrootLists(chroot);
          note =
              "[check] base distribution: the apt lists of the "
                  + target.name()
                  + " build chroot "
                  + chroot.id()
                  + " (only what its sources.list names; pass --base-packages for the"
                  + " mirror's Packages files)\n";
        }
        // The release mirror of a family is <repo-root>/<family>, as RepositoryPublisher lays out.
        Path tree = config.repositoryRoot().resolve(target.family());
        CertificationReport report =
            new ReleaseCertifier(farm.runner)
                .certify(tree, checked, config.publisher().progression(), base);
        System.out.print(note + report.render());
        return report.passed() ? Main.OK : Main.REFUSED;
      }
    }

    /** The Packages files apt downloaded into the chroot: the base distribution it builds on. */
    private static List<Path> chrootLists(ChrootSnapshot chroot) {
      Path lists = chroot.directory().resolve("var/lib/apt/lists");
      try (Stream<Path> files = Files.list(lists)) {
        List<Path> packages =
            files
                .filter(file -> file.getFileName().toString().endsWith("_Packages"))
                .sorted()
                .toList();
        if (packages.isEmpty()) {
          throw new EnvironmentException(
              lists
                  + " holds no Packages file: run `perestroika chroot update --dist "
                  + chroot.dist()
                  + "`, or pass --base-packages FILE...",
              false);
        }
        return packages;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + lists, e);
      }
    }
  }
}
