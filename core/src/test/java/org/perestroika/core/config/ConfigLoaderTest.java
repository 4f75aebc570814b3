package org.perestroika.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;

class ConfigLoaderTest {
  private static final String SOURCE = "/etc/perestroika/config.yaml";
  private static final long MIB = BuildLimits.MIB;
  private static final long GIB = BuildLimits.GIB;

  @Test
  void anEmptyFileIsTheDefaults() {
    PerestroikaConfig config = parse("");

    assertEquals(Path.of("/var/lib/perestroika"), config.stateDir());
    assertEquals(URI.create("unix:///var/run/docker.sock"), config.dockerHost());
    assertEquals("bookworm", config.imageDist());
    assertEquals(
        new Dist(
            "bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian")),
        config.dist("bookworm"));
    assertEquals(PackageFormat.RPM, config.dist("centos7").format());
    assertEquals("ubuntu", config.dist("jammy").family());
    assertEquals(BuildLimits.DEFAULTS, config.limits());
    assertEquals(Duration.ofHours(2), config.limits().timeout());
    assertEquals(8 * GIB, config.limits().memoryBytes());
    assertEquals(4096, config.limits().pids());
    assertEquals(8 * GIB, config.limits().tmpfsBytes());
    assertEquals(
        new PerestroikaConfig.Publisher(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            "Perestroika",
            List.of("amd64"),
            3,
            ReleaseProgression.natural(),
            Set.of(),
            Optional.empty()),
        config.publisher());
    assertEquals(config, ConfigLoader.defaults(Optional.empty()));
  }

  @Test
  void theStateDirectoryDecidesWhereEverythingLives() {
    PerestroikaConfig config = parse("state-dir: /srv/perestroika\n");

    assertEquals(Path.of("/srv/perestroika/chroots"), config.chrootDir());
    assertEquals(Path.of("/srv/perestroika/builds"), config.buildsDir());
    assertEquals(Path.of("/srv/perestroika/tmp"), config.scratchDir());
    assertEquals(Path.of("/srv/perestroika/gnupg"), config.gnupgHome());
    assertEquals(Path.of("/srv/perestroika/repos"), config.repositoryRoot());
  }

  @Test
  void everySettingIsRead() {
    PerestroikaConfig config =
        parse(
            """
            state-dir: /srv/perestroika
            docker-host: tcp://127.0.0.1:2375
            image-dist: mos-base
            dists:
              mos-base:
                family: debian
                mirror: http://mirror.example.com/debian
              centos7:
                family: centos-7
                format: rpm
                mirror: http://mirror.example.com/centos/7/os/x86_64
            build-limits:
              timeout: 90m
              memory: 512MiB
              pids: 256
              tmpfs: 3GiB
            publisher:
              repo-root: /srv/mirror
              signing-key: A1B2C3D4E5F60718
              origin: Example
              architectures: [amd64, arm64]
              keep-snapshots: 5
              progression: [mos9.0, mos10.0]
              ga-releases: [mos9.0]
              uploaders-keyring: /etc/perestroika/uploaders.gpg
            """);

    assertEquals(Path.of("/srv/perestroika"), config.stateDir());
    assertEquals(URI.create("tcp://127.0.0.1:2375"), config.dockerHost());
    assertEquals("mos-base", config.imageDist());
    assertEquals(
        new Dist(
            "mos-base",
            "debian",
            PackageFormat.DEB,
            URI.create("http://mirror.example.com/debian")),
        config.dist("mos-base"));
    assertEquals(
        URI.create("http://mirror.example.com/centos/7/os/x86_64"),
        config.dist("centos7").mirror());
    assertTrue(config.dists().containsKey("bookworm"), "built-in dists stay");
    assertEquals(new BuildLimits(Duration.ofMinutes(90), 512 * MIB, 256, 3 * GIB), config.limits());
    assertEquals(
        new PerestroikaConfig.Publisher(
            Optional.of(Path.of("/srv/mirror")),
            Optional.of("A1B2C3D4E5F60718"),
            Optional.empty(),
            "Example",
            List.of("amd64", "arm64"),
            5,
            new ReleaseProgression(List.of(new Release("mos9.0"), new Release("mos10.0"))),
            Set.of(new Release("mos9.0")),
            Optional.of(Path.of("/etc/perestroika/uploaders.gpg"))),
        config.publisher());
    assertEquals(Path.of("/srv/mirror"), config.repositoryRoot());
  }

  @Test
  void theUploadersKeyringIsAnAbsolutePath() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> parse("publisher:\n  uploaders-keyring: uploaders.gpg\n"));
    assertEquals(
        List.of(
            "publisher.uploaders-keyring: 'uploaders.gpg' must be an absolute path to a keyring"
                + " file, such as /etc/perestroika/uploaders.gpg"),
        e.problems());
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnce() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                parse(
                    """
                    state-dir: /srv/perestroika
                    colour: blue
                    image-dist: sid
                    dists:
                      focal:
                        family: ubuntu
                    build-limits:
                      timeout: 2 days
                      cpus: 4
                    """));

    List<String> problems =
        List.of(
            "colour: unknown key (allowed: state-dir, docker-host, image-dist, dists, build-limits,"
                + " publisher, scheduler)",
            "dists.focal: needs both `family` (debian, ubuntu, centos-7) and `mirror`",
            "image-dist: 'sid' is not a configured dist",
            "build-limits.cpus: unknown key (allowed: timeout, memory, pids, tmpfs)",
            "build-limits.timeout: '2 days' is not a duration such as 90s, 30m or 2h");
    assertEquals(problems, e.problems());
    assertEquals(
        SOURCE + " has 5 problem(s):\n  - " + String.join("\n  - ", problems), e.getMessage());
  }

  @Test
  void valuesOutOfRangeAndOfTheWrongKindAreProblems() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                parse(
                    """
                    state-dir: [a, b]
                    dists:
                      Focal:
                        family: ubuntu
                        mirror: http://archive.ubuntu.com/ubuntu
                      el9:
                        family: rocky
                        format: pkg
                        mirror: http://dl.rockylinux.org/pub/rocky/9
                      sid:
                        family: debian
                        mirror: http://deb.debian.org/debian
                        suite: unstable
                    build-limits:
                      memory: 32MiB
                    publisher:
                      architectures: amd64
                      keep-snapshots: 0
                      progression: [mos9.0, MOS10, mos9.0]
                      ga-releases: mos9.0
                    """));

    assertEquals(
        List.of(
            "state-dir: must be a single value",
            "dists.Focal: dist name 'Focal' must be lower-case letters",
            "dists.el9.format: 'pkg' is neither deb nor rpm",
            "dists.sid.suite: unknown key (allowed: family, format, mirror)",
            "build-limits: build memory must be at least 64 MiB",
            "publisher.architectures: must be a list, such as [amd64, arm64]",
            "publisher.keep-snapshots: must be at least 1, got 0",
            "publisher.progression: release 'MOS10' is not of the form letters then a version,"
                + " such as mos10.0",
            "publisher.ga-releases: must be a list of releases, such as [mos9.0, mos10.0]",
            "publisher.progression: the release progression [mos9.0, mos9.0] names one twice"),
        e.problems());
  }

  @Test
  void aMirrorThatIsNotAUriIsAProblem() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                parse(
                    """
                    dists:
                      sid:
                        family: debian
                        mirror: http://deb debian org
                    """));

    assertTrue(
        e.problems().contains("dists.sid.mirror: 'http://deb debian org' is not a URI"),
        e.problems()::toString);
  }

  @Test
  void aNumberThatIsNotOneIsAProblem() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> parse("build-limits:\n  pids: lots\n"));

    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("build-limits.pids: "), e.problems()::toString);
  }

  @Test
  void invalidYamlIsAConfigProblem() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> parse("dists: [bookworm\nstate-dir: /x\n"));

    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("is not valid YAML: "), e.problems()::toString);
    assertTrue(e.getMessage().startsWith(SOURCE + " has 1 problem(s)"), e.getMessage());
  }

  @Test
  void aFileThatIsNotAMappingIsAProblem() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("- state-dir\n"));

    assertEquals(List.of("the file: must be a mapping of keys to values"), e.problems());
  }

  @Test
  void theStateDirectoryGivenOnTheCommandLineWinsOverTheFile() {
    Optional<Path> flag = Optional.of(Path.of("/tmp/perestroika-state"));

    assertEquals(
        Path.of("/tmp/perestroika-state"),
        ConfigLoader.parse("state-dir: /srv/perestroika\n", SOURCE, flag).stateDir());
    assertEquals(Path.of("/tmp/perestroika-state"), ConfigLoader.defaults(flag).stateDir());
  }

  @Test
  void loadNamesTheFileItReads(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("config.yaml"), "build-limits:\n  tmpfs: 1GiB\n");

    assertEquals(1 * GIB, ConfigLoader.load(file, Optional.empty()).limits().tmpfsBytes());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(dir.resolve("missing.yaml"), Optional.empty()));
    assertTrue(e.getMessage().startsWith(dir.resolve("missing.yaml") + " has 1 problem(s)"));
    assertTrue(e.problems().get(0).startsWith("cannot be read: "), e.problems()::toString);
  }

  @ParameterizedTest
  @CsvSource({"90s, PT1M30S", "30m, PT30M", "2h, PT2H", "' 45 m ', PT45M", "0s, PT0S"})
  void durations(String text, Duration expected) {
    assertEquals(expected, ConfigLoader.duration(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2d", "1.5h", "-5m", "90", "h", "", "2 hours", "30M"})
  void notDurations(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.duration(text));
    assertEquals("'" + text + "' is not a duration such as 90s, 30m or 2h", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"512MiB, 536870912", "8GiB, 8589934592", "'1 GiB', 1073741824", "64MiB, 67108864"})
  void sizes(String text, long expected) {
    assertEquals(expected, ConfigLoader.size(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"8GB", "8gib", "8", "1.5GiB", "MiB", "-1MiB", "8 TiB"})
  void notSizes(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.size(text));
    assertEquals("'" + text + "' is not a size such as 512MiB or 8GiB", e.getMessage());
  }

  private static PerestroikaConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, SOURCE, Optional.empty());
  }
}
