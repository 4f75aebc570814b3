package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.config.ConfigLoader;
import org.perestroika.core.config.PerestroikaConfig;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.scheduler.dispatch.jenkins.JenkinsConfig;
import org.perestroika.testing.Requirements;

/**
 * The Puppet module in puppet/ and the scheduler's systemd unit, checked by the tools their users
 * run: the parser, puppet-lint and systemd-analyze, and {@code puppet apply} in fresh containers:
 * of the mirror class, whose rsync module then takes a sync and whose nginx serves it; of the
 * publisher class; of the worker class, which then builds the example with the host's engine.
 */
class PuppetModuleIT {
  private static final Path MODULES =
      Path.of("..", "puppet", "modules").toAbsolutePath().normalize();
  private static final Path MODULE = MODULES.resolve("perestroika");
  private static final Path EXAMPLES =
      Path.of("..", "puppet", "examples").toAbsolutePath().normalize();
  private static final Path TEST_IMAGE =
      Path.of("..", "puppet", "test").toAbsolutePath().normalize();
  private static final String IMAGE = "perestroika/puppet-test:latest";
  private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
  private static Path installDir;

  /** Every container this run starts carries it; they are removed by it at the end. */
  private static final String LABEL = "org.perestroika.test=puppet-" + UUID.randomUUID();

  private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
  private static boolean imageBuilt;

  @TempDir Path work;

  @AfterAll
  static void removeContainers() {
    CommandResult listed =
        RUNNER.run(Command.of("docker", "ps", "-aq", "--filter", "label=" + LABEL));
    for (String id : listed.stdout().split("\\s+")) {
      if (!id.isBlank()) {
        RUNNER.run(Command.of("docker", "rm", "-f", id));
      }
    }
    if (installDir != null) {
      FileTrees.delete(installDir);
    }
  }

  @Test
  void manifestsAndTemplatesParseAndPassLint() throws IOException {
    Requirements.requirePrograms("puppet", "puppet-lint");
    List<String> manifests = new ArrayList<>(files(MODULE, ".pp"));
    manifests.addAll(files(EXAMPLES, ".pp"));
    assertTrue(manifests.size() >= 7, "manifests found: " + manifests);
    List<String> parse = new ArrayList<>(List.of("puppet", "parser", "validate"));
    parse.addAll(manifests);
    succeeds(Command.of(parse));
    for (String template : files(MODULE.resolve("templates"), ".epp")) {
      succeeds(Command.of("puppet", "epp", "validate", template));
    }
    succeeds(
        Command.of("puppet-lint", "--fail-on-warnings", MODULE.toString(), EXAMPLES.toString()));
  }

  @Test
  void theExampleSchedulerConfigurationIsOneTheFarmLoads() {
    PerestroikaConfig config =
        ConfigLoader.load(EXAMPLES.resolve("perestroika.yaml"), Optional.empty());
    SchedulerConfig scheduler = config.scheduler().orElseThrow();
    assertEquals("jenkins", scheduler.dispatcher());
    assertEquals(
        JenkinsConfig.DEFAULT_JOB_NAME_TEMPLATE, scheduler.jenkins().orElseThrow().jobTemplate());
    assertEquals(List.of("acme"), List.copyOf(scheduler.customers().keySet()));
  }

  @Test
  void theSchedulersUnitIsOneSystemdTakesWithoutComplaint() throws IOException {
    Requirements.requirePrograms("systemd-analyze");
    String unit =
        Files.readString(MODULE.resolve("files/perestroika-scheduler.service"))
            // verify insists that ExecStart's program exists on this host.
            .replace("/usr/local/bin/perestroika ", "/bin/true ");
    assertTrue(unit.contains("ExecStart=/bin/true --config"), unit);
    Path copy = Files.writeString(work.resolve("perestroika-scheduler.service"), unit);
    CommandResult verified = RUNNER.run(Command.of("systemd-analyze", "verify", copy.toString()));
    assertEquals(0, verified.exitCode(), verified::stderr);
    assertEquals("", verified.stderr(), "systemd-analyze's complaints");
  }

  @Test
  void aProvisionedMirrorTakesASyncAndServesItOverHttp() throws Exception {
    requireDocker();
    Requirements.requirePrograms("rsync");
    succeeds(
        Command.of("docker", "build", "--network", "host", "-q", "-t", IMAGE, TEST_IMAGE.toString())
            .withTimeout(Duration.ofMinutes(15)));
    int rsyncPort = freePort();
    int httpPort = freePort();
    Path site =
        Files.writeString(
            work.resolve("site.pp"),
            "class { 'perestroika::mirror':\n"
                + "  rsync_address => '127.0.0.1',\n"
                + "  rsync_port    => "
                + rsyncPort
                + ",\n"
                + "  http_address  => '127.0.0.1',\n"
                + "  http_port     => "
                + httpPort
                + ",\n"
                + "}\n");
    provision(site);

    // A sync as perestroika mirror sync leaves it: a snapshot, and the served link to it.
    Path tree = work.resolve("sync");
    Path snapshot = tree.resolve(".snapshots/20261122T000000Z/debian");
    Path dists = Files.createDirectories(snapshot.resolve("dists/mos10.0"));
    Files.writeString(dists.resolve("InRelease"), "Origin: Perestroika\nSuite: mos10.0\n");
    Path byHash = Files.createDirectories(dists.resolve("main/binary-amd64/by-hash/SHA256"));
    Files.writeString(byHash.resolve("0123abcd"), "Package: hello\n");
    Files.createSymbolicLink(tree.resolve("debian"), Path.of(".snapshots/20261122T000000Z/debian"));
    succeeds(
        Command.of(
            "rsync", "-a", "--delete", tree + "/", "rsync://127.0.0.1:" + rsyncPort + "/mos/"));

    String base = "http://127.0.0.1:" + httpPort + "/mos/";
    HttpResponse<String> inRelease = get(base + "debian/dists/mos10.0/InRelease");
    assertEquals(200, inRelease.statusCode());
    assertEquals("Origin: Perestroika\nSuite: mos10.0\n", inRelease.body());
    assertEquals(
        "public, max-age=60, must-revalidate",
        inRelease.headers().firstValue("Cache-Control").orElse("none"),
        "InRelease changes at every publish");
    HttpResponse<String> index =
        get(base + "debian/dists/mos10.0/main/binary-amd64/by-hash/SHA256/0123abcd");
    assertEquals(200, index.statusCode());
    assertEquals(
        "public, max-age=31536000, immutable",
        index.headers().firstValue("Cache-Control").orElse("none"),
        "a by-hash index never changes under its name");
    assertEquals(
        404,
        get(base + ".snapshots/20261122T000000Z/debian/dists/mos10.0/InRelease").statusCode(),
        "snapshots are served through the link alone");
  }

  @Test
  void aProvisionedPublisherHasItsToolsAndAGnupgHomeForItsUserAlone() throws Exception {
    requireDocker();
    String host =
        provision(Files.writeString(work.resolve("site.pp"), "include perestroika::publisher\n"));

    String gnupg = "/var/lib/perestroika/gnupg";
    assertEquals(
        "700 perestroika perestroika\n",
        succeeds(Command.of("docker", "exec", host, "stat", "-c", "%a %U %G", gnupg)).stdout());
    CommandResult gpg =
        succeeds(
            Command.of(
                "docker",
                "exec",
                host,
                "runuser",
                "-u",
                "perestroika",
                "--",
                "gpg",
                "--homedir",
                gnupg,
                "--batch",
                "--list-keys"));
    assertFalse(gpg.stderr().contains("unsafe"), gpg.stderr());
    for (String tool : List.of("reprepro", "createrepo_c", "rsync", "dose-distcheck")) {
      succeeds(Command.of("docker", "exec", host, "sh", "-c", "command -v " + tool));
    }
    // The command runs as the farm's user without building or installing anything.
    assertEquals(
        "perestroika 0.1.0\n",
        succeeds(
                Command.of(
                    "docker",
                    "exec",
                    host,
                    "runuser",
                    "-u",
                    "perestroika",
                    "--",
                    "perestroika",
                    "--version"))
            .stdout());
  }

  @Test
  void aProvisionedWorkerBuildsTheExampleWithTheHostsEngine() throws Exception {
    requireDocker();
    Path chroot = Requirements.bookwormChroot().toRealPath();
    // The host's engine runs the worker's build containers, so every path the worker gives it
    // (the chroot in the state directory, the build's output) is the same path here and there.
    Path state = work.resolve("state");
    Path chroots = Files.createDirectories(state.resolve("chroots/bookworm"));
    succeeds(
        Command.of(
            "cp", "-al", chroot.toString(), chroots.resolve(chroot.getFileName()).toString()));
    Files.createSymbolicLink(chroots.resolve("current"), chroot.getFileName());
    Path site =
        Files.writeString(
            work.resolve("site.pp"),
            "class { 'perestroika':\n"
                + "  state_dir => '"
                + state
                + "',\n"
                + "}\n"
                + "class { 'perestroika::worker':\n"
                + "  manage_engine => false,\n"
                + "}\n");
    String host =
        provision(
            site, "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", state + ":" + state);

    assertEquals(
        "perestroika-worker\n",
        succeeds(Command.of("docker", "exec", host, "cat", "/etc/perestroika/jenkins-labels"))
            .stdout());
    assertTrue(
        succeeds(Command.of("docker", "exec", host, "id", "-nG", "jenkins"))
            .stdout()
            .contains("docker"),
        "the agent may run containers");
    Path out = state.resolve("out");
    List<String> build =
        new ArrayList<>(
            List.of(
                "docker",
                "exec",
                host,
                "perestroika",
                "build",
                "/opt/perestroika/examples/hello",
                "--dist",
                "bookworm",
                "--out",
                out.toString()));
    // The installed checkout is a copy without .git: name the commits, as a job does.
    build.addAll(List.of(PerestroikaProcess.COMMITS));
    CommandResult built = RUNNER.run(Command.of(build).withTimeout(Duration.ofMinutes(15)));
    assertEquals(0, built.exitCode(), () -> built.stdout() + built.stderr());
    assertTrue(
        Files.isRegularFile(out.resolve("perestroika-hello_1.0-1~deb12+mos1_amd64.deb")),
        built::stdout);
  }

  /** Applies the manifest twice in a fresh host: the first changes it, the second nothing. */
  private static String provision(Path site, String... dockerOptions) {
    String container = startHost(site, dockerOptions);
    // --detailed-exitcodes: 2 is "changes applied", 0 "nothing to change", anything else failed.
    CommandResult first = apply(container);
    assertEquals(2, first.exitCode(), () -> first.stdout() + first.stderr());
    CommandResult again = apply(container);
    assertEquals(0, again.exitCode(), () -> "a second apply changed things:\n" + again.stdout());
    return container;
  }

  private static String startHost(Path site, String... dockerOptions) {
    List<String> run =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "-d",
                "--label",
                LABEL,
                "--network",
                "host",
                "-v",
                MODULES + ":/etc/puppet/code/modules:ro",
                "-v",
                site + ":/tmp/site.pp:ro",
                // The checkout, with the jar this build made: perestroika::install_dir.
                "-v",
                installDir() + ":/opt/perestroika:ro"));
    run.addAll(List.of(dockerOptions));
    run.addAll(List.of(IMAGE, "sleep", "infinity"));
    return succeeds(Command.of(run)).stdout().trim();
  }

  /**
   * A copy of the checkout that the host's unprivileged user may read, whatever the checkout's own
   * directory allows (a fresh clone under mktemp -d is 0700): sources and the built jar only, times
   * kept so the jar stays newer than the sources and is not rebuilt.
   */
  private static synchronized Path installDir() {
    if (installDir == null) {
      try {
        Path staged = Files.createTempDirectory("perestroika-install-");
        succeeds(
            Command.of(
                "rsync",
                "-a",
                "--include=/cli/",
                "--include=/cli/target/",
                "--include=/cli/target/perestroika.jar",
                "--exclude=/cli/target/*",
                "--exclude=target/",
                "--exclude=.git/",
                CHECKOUT + "/",
                staged + "/"));
        // After rsync, which gives the copy the checkout's own mode.
        Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rwxr-xr-x"));
        installDir = staged;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return installDir;
  }

  private static CommandResult apply(String container) {
    return RUNNER.run(
        Command.of(
                "docker",
                "exec",
                container,
                "puppet",
                "apply",
                "--detailed-exitcodes",
                "--color=false",
                "/tmp/site.pp")
            .withTimeout(Duration.ofMinutes(10)));
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The engine, the base image, and the test host's image built on it (once per run). */
  private static synchronized void requireDocker() {
    Requirements.dockerEngine();
    Requirements.require(
        RUNNER.run(Command.of("docker", "image", "inspect", "debian:bookworm")).succeeded(),
        "the base image debian:bookworm");
    if (!imageBuilt) {
      succeeds(
          Command.of(
                  "docker", "build", "--network", "host", "-q", "-t", IMAGE, TEST_IMAGE.toString())
              .withTimeout(Duration.ofMinutes(15)));
      imageBuilt = true;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static CommandResult succeeds(Command command) {
    CommandResult result = RUNNER.run(command);
    assertEquals(
        0,
        result.exitCode(),
        () -> command.display() + " failed:\n" + result.stdout() + result.stderr());
    return result;
  }

  private static List<String> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.toString().endsWith(suffix)).map(Path::toString).sorted().toList();
    }
  }
}
