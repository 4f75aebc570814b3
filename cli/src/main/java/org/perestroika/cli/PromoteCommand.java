package org.perestroika.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.service.RepositoryRef;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.apt.AptRepository;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Promotes published packages from one suite of a release to another, without rebuilding. */
@CommandLine.Command(
    name = "promote",
    description =
        "Copy the exact packages of source packages from one suite to another of the same release"
            + " (such as mos10.0-proposed to mos10.0-updates), under the target's version policy.")
final class PromoteCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(paramLabel = "PKG", arity = "1..*", description = "source package names")
  List<String> packages;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "CODENAME",
      description = "the suite that holds them, such as mos10.0-proposed")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "CODENAME",
      description = "the suite to copy them to, such as mos10.0-updates")
  String to;

  @Option(names = "--repo-root", description = "mirror root holding one repository per OS family")
  Path repoRoot;

  @Option(
      names = "--dist",
      description =
          "the dist the packages were built for; picks the OS family (default: the image"
              + " dist)")
  String dist;

  @Override
  public Integer call() {
    PublishTarget source = PublishTarget.parse(from);
    PublishTarget target = PublishTarget.parse(to);
    try (Farm farm = new Farm(main.config().withRepoRoot(repoRoot))) {
      Dist built = farm.config.dist(dist == null ? farm.config.imageDist() : dist);
      AptRepository repository = farm.publisher().apt(built, RepositoryRef.MIRROR);
      PublishResult result = repository.promote(source, target, packages);
      if (result instanceof PublishResult.Rejected rejected) {
        System.err.println(
            "perestroika: " + target + " refused " + String.join(", ", packages) + ":");
        rejected.violations().forEach(v -> System.err.println("  - " + v.message()));
        System.err.println("perestroika: the repository was left as it was");
        return Main.REFUSED;
      }
      System.out.println("[promote] " + target + " now holds, as " + source + " does:");
      ((PublishResult.Published) result)
          .packages()
          .forEach(p -> System.out.println("[promote]   " + p));
      return Main.OK;
    }
  }
}
