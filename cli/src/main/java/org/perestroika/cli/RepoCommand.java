package org.perestroika.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.perestroika.core.config.PerestroikaConfig;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.Release;
import org.perestroika.publisher.check.CertificationReport;
import org.perestroika.publisher.check.ReleaseCertifier;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Inspects the published repositories. */
@CommandLine.Command(
    name = "repo",
    description = "Inspect published repositories.",
    subcommands = {RepoCommand.Check.class})
final class RepoCommand {
  @ParentCommand Main main;

  /** Certifies a published release; exits 1 with the report when it fails. */
  @CommandLine.Command(
      name = "check",
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
            "the base distribution's Packages files (plain, .gz or .xz); default: the dist"
                + " mirror's, signature checked")
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
          base = farm.baseDistro(target).packagesFiles();
          note =
              "[check] base distribution: "
                  + target.name()
                  + "'s Packages files from "
                  + target.mirror()
                  + ", signature checked, cached in "
                  + config.upstreamDir()
                  + "\n";
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
  }
}
