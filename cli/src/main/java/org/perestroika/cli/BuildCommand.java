package org.perestroika.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.perestroika.core.config.ConfigLoader;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.deb.ChangesSigner;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Builds one source package in a short-lived container and optionally publishes it. */
@CommandLine.Command(
    name = "build",
    description =
        "Build a source package (a .dsc or a tree with debian/; for an RPM dist a .src.rpm or a"
            + " directory with a .spec) in a clean container.")
final class BuildCommand implements Callable<Integer> {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  @ParentCommand Main main;

  @Parameters(
      paramLabel = "SOURCE",
      description =
          "a .dsc or an unpacked source tree with debian/; for an RPM dist a .src.rpm or a"
              + " directory with one .spec and its sources")
  Path source;

  @Option(names = "--dist", required = true, description = "dist to build for, such as bookworm")
  String dist;

  @Option(
      names = "--out",
      description = "directory for artifacts and log (default: <state>/builds/<id>)")
  Path out;

  @Option(
      names = "--publish",
      paramLabel = "CODENAME",
      description = "publish on success, e.g. mos10.0-proposed")
  String publish;

  @Option(names = "--timeout", description = "wall-clock limit, such as 90m (default from config)")
  String timeout;

  @Option(names = "--memory", description = "memory limit, such as 4GiB")
  String memory;

  @Option(names = "--tmpfs", description = "size of the tmpfs the build writes to, such as 4GiB")
  String tmpfs;

  @Option(names = "--pids", description = "process limit")
  Long pids;

  @Option(
      names = "--source-commit",
      paramLabel = "SHA",
      description =
          "the code's commit, written into the changelog (default: HEAD of the tree's git work"
              + " tree)")
  String sourceCommit;

  @Option(
      names = "--build-commit",
      paramLabel = "SHA",
      description =
          "the packaging's commit, written into the changelog (default: as --source-commit)")
  String buildCommit;

  @Option(
      names = "--sign-changes",
      paramLabel = "KEYID",
      description = "clearsign the .changes with this uploader key of your own GnuPG home")
  String signChanges;

  @Override
  public Integer call() throws InterruptedException {
    try (Farm farm = new Farm(main.config())) {
      Dist target = farm.config.dist(dist);
      PublishTarget publishTo = publish == null ? null : PublishTarget.parse(publish);
      boolean rpm = target.format() == PackageFormat.RPM;
      if (!Files.exists(source)) {
        throw new IllegalArgumentException(
            "source "
                + source
                + " does not exist: give "
                + (rpm
                    ? "a .src.rpm or a directory with a .spec"
                    : "a .dsc or a directory with debian/"));
      }
      if (rpm && signChanges != null) {
        throw new IllegalArgumentException(
            "--sign-changes signs a deb build's .changes; an RPM build has none: leave it out");
      }
      Optional<SourceCommits> commits =
          WorkTreeCommits.resolve(farm.runner, source, sourceCommit, buildCommit);
      Optional<ChangesSigner> signer =
          Optional.ofNullable(signChanges)
              .map(key -> new ChangesSigner(farm.runner, Optional.empty(), key));
      signer.ifPresent(ChangesSigner::requireKey);
      String buildId = ID_TIME.format(farm.clock.instant()) + "-" + randomSuffix();
      Path outDir = out != null ? out : farm.config.buildsDir().resolve(buildId);
      BuildRequest request =
          new BuildRequest(
              buildId,
              source.toAbsolutePath().normalize(),
              target,
              limits(farm),
              outDir.toAbsolutePath(),
              commits);
      commits.ifPresent(
          c ->
              System.out.println(
                  "[build] source commit " + c.source() + ", build commit " + c.build()));

      farm.containers().ping();
      Ownership.reapOrphans(farm.containers(), line -> System.out.println("[build] " + line));
      // Ctrl-C or a kill ends the JVM through its hooks: take the build container with it.
      Thread cleanup = new Thread(() -> farm.containers().shutdown(), "remove-containers");
      Runtime.getRuntime().addShutdownHook(cleanup);
      BuildResult result;
      try {
        System.out.println("[build] " + buildId + ": " + source + " for " + dist + " -> " + outDir);
        result = farm.builder(target).build(request, System.out::println);
      } finally {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      }
      if (!result.succeeded()) {
        System.err.println("perestroika: the build " + result.status().word() + "; from its log:");
        result.failureExcerpt().forEach(line -> System.err.println("  | " + line));
        System.err.println("perestroika: full log: " + result.log());
        return Main.REFUSED;
      }
      System.out.println("[build] artifacts in " + outDir);
      if (rpm) {
        result.artifacts().forEach(a -> System.out.println("[build]   " + a.fileName()));
        return publishTo == null
            ? Main.OK
            : PublishCommand.publishRpm(farm, outDir, target, publishTo);
      }
      Path changes = result.changesFile().orElseThrow();
      if (signer.isPresent()) {
        signer.get().sign(changes);
        System.out.println("[build] signed " + changes.getFileName() + " with " + signChanges);
      }
      if (publishTo == null) {
        return Main.OK;
      }
      return PublishCommand.publish(farm, List.of(changes), target, publishTo);
    }
  }

  private BuildLimits limits(Farm farm) {
    BuildLimits limits = farm.config.limits();
    if (timeout != null) {
      limits = limits.withTimeout(ConfigLoader.duration(timeout));
    }
    if (tmpfs != null) {
      limits = limits.withTmpfsBytes(ConfigLoader.size(tmpfs));
    }
    if (memory != null || pids != null) {
      limits =
          new BuildLimits(
              limits.timeout(),
              memory == null ? limits.memoryBytes() : ConfigLoader.size(memory),
              pids == null ? limits.pids() : pids,
              limits.tmpfsBytes());
    }
    return limits;
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[3];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
