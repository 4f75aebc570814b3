package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * The .repo file that {@code perestroika client-config} writes, used as is by dnf: a MOS mirror in
 * the spec's layout ({@code centos-7/mos7.0/os/x86_64}, ..., the key beside the os repository) and
 * a custom repository, signed packages and signed metadata, and a stand-in for the distribution's
 * own repository holding the same packages at other versions. dnf must install the versions the
 * spec's order says.
 */
class YumClientConfigIT {
  private static final String SPEC =
      """
      Name: %{pkg}
      Version: %{ver}
      Release: %{rel}
      Summary: a package for client configuration tests
      License: MIT
      BuildArch: noarch
      %description
      A package for client configuration tests.
      %files
      """;
  private static final List<String> PACKAGES =
      List.of(
          "perestroika-mos",
          "perestroika-updates",
          "perestroika-holdback",
          "perestroika-custom",
          "perestroika-proposed");

  @TempDir static Path work;
  private static final CommandRunner runner = new ProcessCommandRunner();
  private static ThrowawayGpgHome key;

  @BeforeAll
  static void publish() throws IOException {
    Requirements.requirePrograms("rpmbuild", "rpmsign", "createrepo_c", "dnf", "gpg");
    key = ThrowawayGpgHome.create();
    Path release = work.resolve("mirror/centos-7/mos7.0");
    Path os = release.resolve("os/x86_64");
    Path updates = release.resolve("updates/x86_64");
    Path security = release.resolve("security/x86_64");
    Path proposed = release.resolve("proposed/x86_64");
    Path holdback = release.resolve("holdback/x86_64");
    Path custom = work.resolve("custom");
    Path base = work.resolve("base");

    rpm(base, "perestroika-mos", "2.0", "1");
    rpm(os, "perestroika-mos", "1.0", "1.mos1");

    rpm(os, "perestroika-updates", "1.0", "1.mos1");
    rpm(updates, "perestroika-updates", "1.0", "1.mos2");

    rpm(base, "perestroika-holdback", "1.1", "1");
    rpm(holdback, "perestroika-holdback", "1.0", "1.mos1");
    rpm(os, "perestroika-holdback", "1.0", "1.mos2");
    rpm(updates, "perestroika-holdback", "1.0", "1.mos3");

    rpm(custom, "perestroika-custom", "0.9", "1.mos1");
    rpm(holdback, "perestroika-custom", "1.0", "1.mos1");
    rpm(updates, "perestroika-custom", "1.0", "1.mos2");

    rpm(os, "perestroika-proposed", "1.0", "1.mos1");
    rpm(proposed, "perestroika-proposed", "1.1", "1.mos1");

    for (Path repository : List.of(os, updates, security, proposed, holdback, custom)) {
      signedRepository(repository);
    }
    run(Command.of("createrepo_c", "-q", Files.createDirectories(base).toString()));
    Files.writeString(
        os.resolve("RPM-GPG-KEY-MOS7.0"),
        run(gpg("--armor", "--export", key.fingerprint())).stdout());
  }

  @AfterAll
  static void removeKey() {
    if (key != null) {
      key.close();
    }
  }

  @Test
  void dnfInstallsTheVersionsTheSpecOrders() throws Exception {
    Path repos = clientConfig("default", "--custom", "hotfix=file:" + work.resolve("custom"));

    Path root = work.resolve("root-default");
    List<String> install = new ArrayList<>(List.of("-y", "install"));
    install.addAll(PACKAGES);
    run(dnf(repos, root, install.toArray(String[]::new)));

    assertEquals(
        Map.of(
            // MOS over the distribution's higher version.
            "perestroika-mos", "1.0-1.mos1 mos-os",
            // Among the MOS suites the highest version.
            "perestroika-updates", "1.0-1.mos2 mos-updates",
            // Holdback over the MOS suites and the distribution, all higher.
            "perestroika-holdback", "1.0-1.mos1 mos-holdback",
            // The custom repository over all of them.
            "perestroika-custom", "0.9-1.mos1 hotfix",
            // Proposed is disabled by default.
            "perestroika-proposed", "1.0-1.mos1 mos-os"),
        installed(repos, root));
  }

  @Test
  void proposedIsInstalledOnlyWhenAskedFor() throws Exception {
    Path repos = clientConfig("proposed", "--with", "proposed");

    Path root = work.resolve("root-proposed");
    run(dnf(repos, root, "-y", "install", "perestroika-proposed"));

    assertEquals(Map.of("perestroika-proposed", "1.1-1.mos1 mos-proposed"), installed(repos, root));
  }

  @Test
  void aPackageInstalledFromTheDistributionSyncsDownToMos() throws Exception {
    Path repos = clientConfig("downgrade");
    Path root = work.resolve("root-downgrade");
    run(dnf(repos, root, "-y", "--repo", "base", "install", "perestroika-mos"));
    assertEquals(Map.of("perestroika-mos", "2.0-1 base"), installed(repos, root));

    // dnf's counterpart of apt's force-downgrade pin: priorities hide the higher version.
    String sync = run(dnf(repos, root, "-y", "distro-sync")).stdout();

    assertTrue(sync.contains("Downgrading:"), sync);
    assertEquals(Map.of("perestroika-mos", "1.0-1.mos1 mos-os"), installed(repos, root));
  }

  /** Runs the command; returns a repository directory with its mos.repo and the distribution's. */
  private static Path clientConfig(String name, String... options) throws Exception {
    Path out = work.resolve("repos-" + name);
    Path config = work.resolve("perestroika.yaml");
    Files.writeString(config, "{}\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--config",
                config.toString(),
                "client-config",
                "--release",
                "mos7.0",
                "--dist",
                "centos7",
                "--url",
                "file:" + work.resolve("mirror/centos-7"),
                "--out",
                out.toString()));
    args.addAll(List.of(options));
    PerestroikaProcess.Outcome run =
        PerestroikaProcess.run(work.resolve("log-" + name), args.toArray(String[]::new));
    assertEquals(Main.OK, run.exitCode(), run::all);
    // The distribution's own file sets no priority, as CentOS's do.
    Files.writeString(
        out.resolve("base.repo"),
        "[base]\nname=The distribution\nbaseurl=file://" + work.resolve("base") + "\ngpgcheck=0\n");
    return out;
  }

  /** What is installed in {@code root}: version and the repository it came from, by name. */
  private static Map<String, String> installed(Path repos, Path root) {
    String lines =
        run(dnf(
                repos,
                root,
                "-q",
                "repoquery",
                "--installed",
                "--qf",
                "%{name} %{evr} %{from_repo}"))
            .stdout();
    Map<String, String> installed = new TreeMap<>();
    for (String line : lines.lines().filter(l -> !l.isBlank()).toList()) {
      String[] words = line.strip().split(" ", 2);
      installed.put(words[0], words[1]);
    }
    return installed;
  }

  /** dnf with only {@code repos} configured, installing into its own root. */
  private static Command dnf(Path repos, Path root, String... args) {
    Path conf = work.resolve("dnf.conf");
    try {
      Files.writeString(conf, "[main]\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> argv =
        new ArrayList<>(
            List.of(
                "dnf",
                "--config",
                conf.toString(),
                "--setopt=reposdir=" + repos,
                "--setopt=cachedir=" + root.resolveSibling(root.getFileName() + "-cache"),
                "--installroot=" + root,
                "--releasever=7",
                "--forcearch=x86_64"));
    argv.addAll(List.of(args));
    return Command.of(argv);
  }

  private static void rpm(Path repository, String name, String version, String release)
      throws IOException {
    Path spec = work.resolve("test.spec");
    if (!Files.exists(spec)) {
      Files.writeString(spec, SPEC);
    }
    Path top = work.resolve("rpmbuild");
    run(
        Command.of(
            "rpmbuild",
            "-bb",
            "--define",
            "_topdir " + top,
            "--define",
            "pkg " + name,
            "--define",
            "ver " + version,
            "--define",
            "rel " + release,
            spec.toString()));
    String file = name + "-" + version + "-" + release + ".noarch.rpm";
    Path packages = Files.createDirectories(repository.resolve("Packages"));
    Files.move(top.resolve("RPMS/noarch").resolve(file), packages.resolve(file));
  }

  /** Signs the packages, indexes them and signs the index, as repo_gpgcheck wants. */
  private static void signedRepository(Path repository) throws IOException {
    Files.createDirectories(repository.resolve("Packages"));
    try (var files = Files.list(repository.resolve("Packages"))) {
      for (Path rpm : files.toList()) {
        run(
            Command.of(
                "rpmsign",
                "--addsign",
                "--define",
                "__gpg /usr/bin/gpg",
                "--define",
                "_gpg_path " + key.home(),
                "--define",
                "_gpg_name " + key.fingerprint(),
                rpm.toString()));
      }
    }
    run(Command.of("createrepo_c", "-q", repository.toString()));
    run(
        gpg(
            "--detach-sign",
            "--armor",
            "--local-user",
            key.fingerprint(),
            repository.resolve("repodata/repomd.xml").toString()));
  }

  private static Command gpg(String... args) {
    List<String> argv =
        new ArrayList<>(List.of("gpg", "--batch", "--yes", "--homedir", key.home().toString()));
    argv.addAll(List.of(args));
    return Command.of(argv);
  }

  private static CommandResult run(Command command) {
    return runner.check(command);
  }
}
