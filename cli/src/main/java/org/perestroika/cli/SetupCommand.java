package org.perestroika.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.model.Dist;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.worker.chroot.ChrootSnapshot;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.image.ToolImage;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Makes this host ready to build and publish, idempotently: host packages, the Docker engine, a
 * chroot per dist, the base image and the tool images. A second run only checks.
 */
@CommandLine.Command(
    name = "setup",
    description = "Install and start what builds need; a second run does nothing.")
final class SetupCommand implements Callable<Integer> {
  /** Host tools the worker and publisher run, by Debian package (rpm and createrepo-c for yum). */
  static final List<String> HOST_PACKAGES =
      List.of(
          "debootstrap",
          "reprepro",
          "rpm",
          "createrepo-c",
          "gnupg",
          "rsync",
          "dpkg-dev",
          "tar",
          "git",
          "dose-distcheck",
          "dose-builddebcheck",
          "xz-utils",
          "debian-archive-keyring");

  private static final Duration ENGINE_START = Duration.ofSeconds(60);

  @ParentCommand Main main;

  @Option(names = "--dist", description = "dists to prepare chroots for (default: the image dist)")
  List<String> dists = new ArrayList<>();

  @Override
  public Integer call() {
    try (Farm farm = new Farm(main.config())) {
      Phases phases = new Phases(System.out, "setup");
      long start = System.nanoTime();
      List<String> outcomes = new ArrayList<>();
      outcomes.add(phases.run("host packages", () -> installPackages(farm.runner)));
      outcomes.add(phases.run("docker engine", () -> startEngine(farm)));
      List<String> names = dists.isEmpty() ? List.of(farm.config.imageDist()) : dists;
      if (!names.contains(farm.config.imageDist())) {
        names = new ArrayList<>(names);
        names.add(0, farm.config.imageDist());
      }
      for (String name : names) {
        Dist dist = farm.config.dist(name);
        outcomes.add(phases.run("chroot " + name, () -> ensureChroot(farm, dist)));
      }
      Dist imageDist = farm.config.dist(farm.config.imageDist());
      outcomes.add(
          phases.run(
              "base image " + org.perestroika.worker.image.ImageStore.baseImage(imageDist),
              () ->
                  farm.images()
                          .ensureBase(
                              imageDist, farm.chroots().require(imageDist.name()), phases::say)
                      ? "made from the chroot"
                      : "already present"));
      outcomes.add(
          phases.run(
              "tool image " + ToolImage.SBUILD.reference(),
              () ->
                  farm.images().ensureTool(ToolImage.SBUILD, phases::say)
                      ? "built"
                      : "up to date"));
      outcomes.add(
          phases.run(
              "tool image " + ToolImage.RPMBUILD.reference(),
              () ->
                  farm.images().ensureTool(ToolImage.RPMBUILD, phases::say)
                      ? "built"
                      : "up to date"));
      outcomes.add(
          phases.run(
              "leftover build containers",
              () -> {
                int reaped = Ownership.reapOrphans(farm.containers(), phases::say);
                return reaped == 0 ? "none" : "removed " + reaped;
              }));
      boolean idle =
          outcomes.stream()
              .allMatch(
                  o ->
                      o.startsWith("already")
                          || o.equals("up to date")
                          || o.equals("none")
                          || o.startsWith("all present")
                          || o.startsWith("answering"));
      System.out.printf(
          "[setup] %s in %.1f s%n",
          idle ? "nothing to do: everything was already set up" : "ready",
          (System.nanoTime() - start) / 1e9);
      return Main.OK;
    }
  }

  private static String installPackages(CommandRunner runner) {
    List<String> wanted = new ArrayList<>(HOST_PACKAGES);
    if (!onPath(runner, "dockerd") && !Files.exists(Path.of("/var/run/docker.sock"))) {
      wanted.add("docker.io");
    }
    List<String> missing = new ArrayList<>();
    for (String pkg : wanted) {
      String status =
          runner.run(Command.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", pkg)).stdout();
      if (!status.startsWith("ii")) {
        missing.add(pkg);
      }
    }
    if (missing.isEmpty()) {
      return "all present";
    }
    runner.check(Command.of("apt-get", "update", "-q").withTimeout(Duration.ofMinutes(10)));
    List<String> install =
        new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
    install.addAll(missing);
    runner.check(
        Command.of(install)
            .withEnvironment(java.util.Map.of("DEBIAN_FRONTEND", "noninteractive"))
            .withTimeout(Duration.ofMinutes(20)));
    return "installed " + String.join(" ", missing);
  }

  private static String startEngine(Farm farm) {
    try {
      farm.containers().ping();
      return "answering at " + farm.config.dockerHost();
    } catch (EnvironmentException notYet) {
      if (!farm.config.dockerHost().getScheme().equals("unix")) {
        throw notYet;
      }
    }
    Path log = farm.config.stateDir().resolve("dockerd.log");
    try {
      Files.createDirectories(log.getParent());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // No bridge and no iptables: containers use the host's network or none at all.
    farm.runner.check(
        Command.of(
            "sh",
            "-c",
            "setsid -f dockerd --bridge=none --iptables=false --ip-masq=false --host "
                + farm.config.dockerHost()
                + " >>"
                + log
                + " 2>&1 </dev/null"));
    long deadline = System.nanoTime() + ENGINE_START.toNanos();
    while (true) {
      try {
        farm.containers().ping();
        return "started (log: " + log + ")";
      } catch (EnvironmentException e) {
        if (System.nanoTime() > deadline) {
          throw new EnvironmentException(
              "dockerd did not answer within " + ENGINE_START.toSeconds() + " s; see " + log,
              false,
              e);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EnvironmentException("interrupted while waiting for dockerd", true, e);
      }
    }
  }

  private static String ensureChroot(Farm farm, Dist dist) {
    if (farm.chroots().current(dist.name()).isPresent()) {
      return "already present (" + farm.chroots().current(dist.name()).get().id() + ")";
    }
    ChrootSnapshot made = farm.chroots().create(dist, line -> {});
    return "created " + made.label();
  }

  private static boolean onPath(CommandRunner runner, String program) {
    return runner.run(Command.of("sh", "-c", "command -v " + program)).succeeded();
  }
}
