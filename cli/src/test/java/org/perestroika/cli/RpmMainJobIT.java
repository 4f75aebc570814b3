package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.docker.DockerContainerRuntime;
import org.perestroika.worker.image.ImageStore;
import org.perestroika.worker.image.ToolImage;

/**
 * The RPM path end to end: build the example RPM package for centos7 in a clean container, publish
 * it to mos7.0-proposed, then prove with Debian's dnf in a fresh container, gpgcheck=1 and
 * repo_gpgcheck=1, trusting only the published key, that the repository installs, and that dnf
 * refuses it once its repomd.xml changes.
 */
class RpmMainJobIT {
  static final Path EXAMPLE = Path.of("..", "examples", "hello-rpm").toAbsolutePath().normalize();
  static final String DNF_IMAGE = "perestroika-test/dnf-client:latest";
  static final String RPM = "perestroika-hello-1.0-1.el7~mos1.noarch.rpm";

  @TempDir static Path work;
  static Path mirror;
  static Path config;
  static String repoSection;
  static DockerContainerRuntime docker;
  static final ProcessCommandRunner runner = new ProcessCommandRunner();

  @BeforeAll
  static void buildAndPublish() throws Exception {
    Requirements.requirePrograms("docker", "rpm", "rpmsign", "createrepo_c", "gpg");
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
    docker.ping();
    new ImageStore(docker, runner, work).ensureTool(ToolImage.RPMBUILD, line -> {});
    docker.buildImage(
        Path.of("src/test/resources/dnf-client").toAbsolutePath(), DNF_IMAGE, Map.of(), l -> {});
    mirror = work.resolve("mirror");
    config = work.resolve("perestroika.yaml");
    Files.writeString(config, "publisher:\n  repo-root: " + mirror + "\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "build",
                EXAMPLE.toString(),
                "--dist",
                "centos7",
                "--out",
                work.resolve("out").toString(),
                "--publish",
                "mos7.0-proposed"));
    args.addAll(List.of(PerestroikaProcess.COMMITS));
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(work.resolve("rpm-job"), args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run::all);
    int section = run.stdout().indexOf("[mos-proposed]");
    assertTrue(section >= 0, run.stdout());
    repoSection = run.stdout().substring(section);
  }

  @AfterAll
  static void close() {
    if (docker != null) {
      docker.close();
    }
  }

  @Test
  void thePublishedPackageNamesItsCommitsAndSitsInTheSpecLayout() {
    Path release = mirror.resolve("centos-7/mos7.0");
    Path rpm = release.resolve("proposed/x86_64/Packages").resolve(RPM);
    assertTrue(Files.isRegularFile(rpm), rpm.toString());
    assertTrue(
        Files.isRegularFile(
            release.resolve("proposed/Source/SPackages/perestroika-hello-1.0-1.el7~mos1.src.rpm")));
    assertTrue(Files.isRegularFile(release.resolve("os/x86_64/RPM-GPG-KEY-MOS7.0")));
    String changelog =
        runner.check(Command.of("rpm", "-qp", "--changelog", rpm.toString())).stdout();
    assertTrue(
        changelog.contains("- Source commit: 1111111111111111111111111111111111111111"), changelog);
    assertTrue(
        changelog.contains("- Build commit: 2222222222222222222222222222222222222222"), changelog);
  }

  @Test
  void dnfInAFreshContainerInstallsAndRunsThePackageWithOnlyOurKey() throws Exception {
    DnfRun dnf =
        dnf(
            mirror.resolve("centos-7").toRealPath(),
            "dnf -y --releasever=7 install perestroika-hello && perestroika-hello"
                + " && rpm -q gpg-pubkey --qf 'trusted %{SUMMARY}\\n'");

    assertEquals(0, dnf.exit.exitCode(), dnf.output);
    assertTrue(dnf.output.contains("Hello from a Perestroika build."), dnf.output);
    assertEquals(1, dnf.output.lines().filter(l -> l.startsWith("trusted ")).count(), dnf.output);
  }

  @Test
  void dnfRefusesTheRepositoryOnceItsRepomdChanges() throws Exception {
    Path copy = work.resolve("tampered");
    runner.check(
        Command.of("cp", "-a", mirror.resolve("centos-7").toRealPath() + "/.", copy.toString()));
    Path repomd = copy.resolve("mos7.0/proposed/x86_64/repodata/repomd.xml");
    Files.writeString(repomd, Files.readString(repomd).replace("<revision>", "<revision>1"));

    DnfRun dnf = dnf(copy, "dnf -y --releasever=7 install perestroika-hello");

    assertNotEquals(0, dnf.exit.exitCode(), dnf.output);
    assertTrue(dnf.output.contains("repomd.xml GPG signature verification error"), dnf.output);
  }

  @Test
  void publishingTheSameBuildAgainChangesNothingAndALowerOneIsRefused() throws Exception {
    Path current = Files.readSymbolicLink(mirror.resolve("centos-7"));
    PerestroikaProcess.Outcome again =
        PerestroikaProcess.run(
            work.resolve("again"),
            "--config",
            config.toString(),
            "publish",
            work.resolve("out").toString(),
            "--dist",
            "centos7",
            "--release",
            "mos7.0",
            "--suite",
            "proposed");
    assertEquals(Main.OK, again.exitCode(), again::all);
    assertEquals(current, Files.readSymbolicLink(mirror.resolve("centos-7")));

    Path lower = work.resolve("lower-src");
    runner.check(Command.of("cp", "-a", EXAMPLE.toString(), lower.toString()));
    Path spec = lower.resolve("perestroika-hello.spec");
    Files.writeString(
        spec, Files.readString(spec).replace("Version:        1.0", "Version:        0.9"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "build",
                lower.toString(),
                "--dist",
                "centos7",
                "--out",
                work.resolve("out-lower").toString(),
                "--publish",
                "mos7.0-proposed"));
    args.addAll(List.of(PerestroikaProcess.COMMITS));
    PerestroikaProcess.Outcome refused =
        PerestroikaProcess.run(work.resolve("lower"), args.toArray(String[]::new));

    assertEquals(Main.REFUSED, refused.exitCode(), refused::all);
    assertTrue(
        refused.stderr().contains("is lower than 1.0-1.el7~mos1 in mos7.0-proposed"), refused::all);
    assertEquals(current, Files.readSymbolicLink(mirror.resolve("centos-7")));
  }

  private record DnfRun(ContainerExit exit, String output) {}

  /** Runs a shell command in a fresh dnf container whose only repository is the published one. */
  private DnfRun dnf(Path tree, String script) throws Exception {
    Path repo = work.resolve("mos-" + System.nanoTime() + ".repo");
    Files.writeString(
        repo, repoSection.replaceAll("file:\\S*/centos-7", "file:///srv/mirror/centos-7"));
    List<String> output = new ArrayList<>();
    ContainerSpec spec =
        new ContainerSpec(
            DNF_IMAGE,
            List.of("sh", "-c", script),
            "/",
            Map.of("org.perestroika.test", "dnf-client"),
            List.of(
                new BindMount(tree, "/srv/mirror/centos-7", true),
                new BindMount(repo, "/etc/yum.repos.d/mos.repo", true)),
            Map.of(),
            ContainerSpec.Network.NONE,
            512 * 1024 * 1024L,
            512,
            false);
    ContainerExit exit = docker.run(spec, Duration.ofMinutes(5), output::add);
    return new DnfRun(exit, String.join("\n", output));
  }
}
