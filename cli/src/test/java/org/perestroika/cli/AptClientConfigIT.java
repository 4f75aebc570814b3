package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.apt.RealUploads;
import org.perestroika.publisher.policy.FixedBaseDistro;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.ContainerSpec.BindMount;
import org.perestroika.worker.container.docker.DockerContainerRuntime;

/**
 * The apt configuration that {@code perestroika client-config} writes, used as is by a stock apt in
 * a fresh bookworm container without network: a MOS mirror and a custom repository published by our
 * AptRepository, and a stand-in for the base distribution, hold the same packages at different
 * versions, and apt must pick the one the spec's order says, downgrading where it says so.
 */
class AptClientConfigIT {
  private static final String BASE = "2.0-1";
  private static final String MOS1 = "1.0-1~deb12+mos1";
  private static final String MOS2 = "1.0-1~deb12+mos2";
  private static final String MOS3 = "1.0-1~deb12+mos3";
  private static final String CUSTOM = "0.9-1~deb12+mos1";
  private static final String PROPOSED = "1.1-1~deb12+mos1";
  private static final String KEYRING = "/etc/apt/keyrings/mos-archive-keyring.gpg";

  @TempDir static Path work;
  private static final CommandRunner runner = new ProcessCommandRunner();
  private static ThrowawayGpgHome key;
  private static DockerContainerRuntime docker;
  private static Path mos;
  private static Path custom;
  private static Path config;

  @BeforeAll
  static void publish() throws IOException {
    Requirements.bookwormChroot();
    Requirements.requirePrograms("reprepro", "gpg", "gpgv");
    key = ThrowawayGpgHome.create();
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
    RealUploads uploads = new RealUploads(work.resolve("uploads"));
    GpgKeyring keyring = GpgKeyring.open(runner, key.home(), Optional.of(key.fingerprint()));
    AptRepository mirror =
        new AptRepository(
            AptRepositoryConfig.defaults(work.resolve("mos/debian")),
            runner,
            keyring,
            FixedBaseDistro.emptyBasePolicy());
    AptRepository hotfix =
        new AptRepository(
            AptRepositoryConfig.defaults(work.resolve("custom/debian")),
            runner,
            keyring,
            FixedBaseDistro.emptyBasePolicy());
    BaseArchive base = new BaseArchive(work.resolve("base"), key);

    // Each package's versions go up in the order they are published, as the policy wants.
    base.include("bookworm", uploads.build("perestroika-mos", BASE, "base"));
    publish(mirror, "mos10.0", uploads.build("perestroika-mos", MOS1, "mos"));

    base.include("bookworm", uploads.build("perestroika-updates", BASE, "base"));
    publish(mirror, "mos10.0", uploads.build("perestroika-updates", MOS1, "mos"));
    publish(mirror, "mos10.0-updates", uploads.build("perestroika-updates", MOS2, "update"));

    // A base distribution update broke the product: holdback keeps the version before it.
    base.include("bookworm", uploads.build("perestroika-holdback", "1.0-1", "base"));
    base.include("bookworm-updates", uploads.build("perestroika-holdback", "1.1-1", "update"));
    publish(mirror, "mos10.0-holdback", uploads.build("perestroika-holdback", MOS1, "held"));
    publish(mirror, "mos10.0", uploads.build("perestroika-holdback", MOS2, "mos"));
    publish(mirror, "mos10.0-updates", uploads.build("perestroika-holdback", MOS3, "update"));

    publish(hotfix, "mos10.0-proposed", uploads.build("perestroika-custom", CUSTOM, "custom"));
    publish(mirror, "mos10.0-holdback", uploads.build("perestroika-custom", MOS1, "held"));
    publish(mirror, "mos10.0-updates", uploads.build("perestroika-custom", MOS2, "update"));

    publish(mirror, "mos10.0", uploads.build("perestroika-proposed", MOS1, "mos"));
    publish(mirror, "mos10.0-proposed", uploads.build("perestroika-proposed", PROPOSED, "new"));

    base.exportAll();
    mos = mirror.config().root().toRealPath();
    custom = hotfix.config().root().toRealPath();
    config = work.resolve("perestroika.yaml");
    Files.writeString(
        config,
        "dists:\n  bookworm:\n    family: debian\n    format: deb\n"
            + "    mirror: \"file:/srv/base/debian\"\n");
  }

  @AfterAll
  static void close() {
    if (docker != null) {
      docker.close();
    }
    if (key != null) {
      key.close();
    }
  }

  @Test
  void aptPicksTheVersionsTheSpecOrders() throws Exception {
    Path client = clientConfig("default", "--custom", "hotfix=file:/srv/custom/debian");

    AptRun apt =
        apt(
            client,
            "apt-cache policy perestroika-mos perestroika-updates perestroika-holdback"
                + " perestroika-custom perestroika-proposed");

    Map<String, Policy> policy = apt.policies();
    // MOS over the base distribution's higher version.
    assertEquals(MOS1, policy.get("perestroika-mos").candidate(), apt.output);
    // Among MOS suites the highest version.
    assertEquals(MOS2, policy.get("perestroika-updates").candidate(), apt.output);
    // Holdback over mos10.0, mos10.0-updates and the base distribution's update, all higher.
    assertEquals(MOS1, policy.get("perestroika-holdback").candidate(), apt.output);
    // The custom repository over all of them.
    assertEquals(CUSTOM, policy.get("perestroika-custom").candidate(), apt.output);
    // Proposed is not configured by default.
    assertEquals(MOS1, policy.get("perestroika-proposed").candidate(), apt.output);
    assertTrue(apt.output.contains(" 1100 file:/srv/mos/debian mos10.0-holdback/main"), apt.output);
  }

  @Test
  void aPackageInstalledFromTheBaseDistributionIsDowngradedToMos() throws Exception {
    Path client = clientConfig("downgrade");

    AptRun apt =
        apt(
            client,
            "apt-get install -q -y perestroika-mos="
                + BASE
                + " >/dev/null"
                + " && apt-cache policy perestroika-mos && apt-get -s dist-upgrade");

    Policy policy = apt.policies().get("perestroika-mos");
    assertEquals(new Policy(BASE, MOS1), policy, apt.output);
    assertTrue(
        apt.output.contains("Inst perestroika-mos [" + BASE + "] (" + MOS1 + " "), apt.output);
    assertTrue(apt.output.contains("1 downgraded"), apt.output);
  }

  @Test
  void proposedIsPickedOnlyWhenAskedFor() throws Exception {
    Path client = clientConfig("proposed", "--with", "proposed");

    AptRun apt = apt(client, "apt-cache policy perestroika-proposed perestroika-mos");

    assertEquals(PROPOSED, apt.policies().get("perestroika-proposed").candidate(), apt.output);
    assertEquals(MOS1, apt.policies().get("perestroika-mos").candidate(), apt.output);
  }

  private static void publish(AptRepository repository, String codename, Path changes) {
    assertInstanceOf(
        PublishResult.Published.class,
        repository.publish(changes, PublishTarget.parse(codename)),
        codename);
  }

  /** Runs the command; returns the directory it wrote sources.list and mos.pref into. */
  private static Path clientConfig(String name, String... options) throws Exception {
    Path out = work.resolve("client-" + name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "client-config",
                "--release",
                "mos10.0",
                "--dist",
                "bookworm",
                "--url",
                "file:/srv/mos/debian",
                "--out",
                out.toString()));
    args.addAll(List.of(options));
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(work.resolve("log-" + name), args.toArray(String[]::new));
    assertEquals(Main.OK, run.exitCode(), run::all);
    return out;
  }

  private record Policy(String installed, String candidate) {}

  private record AptRun(ContainerExit exit, String output) {
    /** Installed and candidate versions by package, from apt-cache policy's output. */
    Map<String, Policy> policies() {
      Map<String, Policy> policies = new LinkedHashMap<>();
      String current = null;
      String installed = null;
      for (String line : output.lines().toList()) {
        if (line.matches("perestroika-[a-z]+:")) {
          current = line.substring(0, line.length() - 1);
        } else if (current != null && line.strip().startsWith("Installed:")) {
          installed = line.strip().substring("Installed:".length()).strip();
        } else if (current != null && line.strip().startsWith("Candidate:")) {
          policies.put(
              current,
              new Policy(installed, line.strip().substring("Candidate:".length()).strip()));
          current = null;
        }
      }
      return policies;
    }
  }

  /**
   * Runs {@code script} after {@code apt-get update} in a fresh container whose apt configuration
   * is the generated one, with the repositories at the URLs it names.
   */
  private static AptRun apt(Path client, String script) throws Exception {
    Path keyring = mos.resolve("project/" + AptRepository.KEYRING_NAME);
    List<String> output = new ArrayList<>();
    ContainerSpec spec =
        new ContainerSpec(
            "debian:bookworm",
            List.of("sh", "-c", "apt-get -q update 2>&1 && echo '--- updated' && " + script),
            "/",
            Map.of("org.perestroika.test", "client-config"),
            List.of(
                new BindMount(mos, "/srv/mos/debian", true),
                new BindMount(custom, "/srv/custom/debian", true),
                new BindMount(work.resolve("base/debian"), "/srv/base/debian", true),
                new BindMount(
                    work.resolve("base/debian-security"), "/srv/base/debian-security", true),
                new BindMount(keyring, KEYRING, true),
                // The stand-in for the base distribution's archive keyring.
                new BindMount(keyring, "/etc/apt/trusted.gpg.d/perestroika-test.gpg", true),
                new BindMount(client.resolve("sources.list"), "/etc/apt/sources.list", true),
                new BindMount(client.resolve("mos.pref"), "/etc/apt/preferences.d/mos.pref", true)),
            Map.of(),
            ContainerSpec.Network.NONE,
            512 * 1024 * 1024L,
            512,
            false);
    ContainerExit exit = docker.run(spec, Duration.ofMinutes(5), output::add);
    AptRun run = new AptRun(exit, String.join("\n", output));
    assertEquals(0, exit.exitCode(), run.output);
    String update = run.output.substring(0, run.output.indexOf("--- updated"));
    // Every source verified, every pin read: nothing to warn about.
    assertFalse(update.contains("W:") || update.contains("E:"), update);
    return run;
  }

  /**
   * A signed stand-in for the base distribution's mirrors, made with reprepro: bookworm and
   * bookworm-updates in {@code debian}, bookworm-security in {@code debian-security}.
   */
  private static final class BaseArchive {
    private final Path root;
    private final ThrowawayGpgHome key;

    BaseArchive(Path root, ThrowawayGpgHome key) throws IOException {
      this.root = root;
      this.key = key;
      conf("debian", "bookworm", "bookworm-updates");
      conf("debian-security", "bookworm-security");
    }

    private void conf(String archive, String... codenames) throws IOException {
      StringBuilder text = new StringBuilder();
      for (String codename : codenames) {
        text.append("Origin: Debian\nLabel: Debian\nCodename: ")
            .append(codename)
            .append("\nArchitectures: amd64\nComponents: main\nSignWith: ")
            .append(key.fingerprint())
            .append("\n\n");
      }
      Path conf = Files.createDirectories(root.resolve(archive).resolve("conf"));
      Files.writeString(conf.resolve("distributions"), text.toString());
    }

    void include(String codename, Path changes) {
      String deb = changes.getFileName().toString().replace(".changes", ".deb");
      reprepro("debian", "includedeb", codename, changes.resolveSibling(deb).toString());
    }

    void exportAll() {
      reprepro("debian", "export");
      reprepro("debian-security", "export");
    }

    private void reprepro(String archive, String... args) {
      List<String> argv =
          new ArrayList<>(List.of("reprepro", "-b", root.resolve(archive).toString()));
      argv.addAll(List.of(args));
      runner.check(Command.of(argv).withEnvironment(Map.of("GNUPGHOME", key.home().toString())));
    }
  }
}
