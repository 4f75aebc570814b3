package org.perestroika.worker.rpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;
import org.perestroika.worker.container.docker.DockerContainerRuntime;
import org.perestroika.worker.image.ImageStore;
import org.perestroika.worker.image.ToolImage;

/** Real rpmbuild builds of the example in real containers of the rpmbuild image. */
class RpmBuilderIT {
  static final Path EXAMPLE = Path.of("..", "examples", "hello-rpm").toAbsolutePath().normalize();
  static final String SOURCE = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  static final String BUILD = "8bf699819c9d30e2d34e14e76917f94daea4c67f";

  static DockerContainerRuntime docker;
  static RpmBuilder builder;
  static ProcessCommandRunner runner = new ProcessCommandRunner();

  @TempDir static Path scratch;
  @TempDir Path work;

  @BeforeAll
  static void connect() {
    Requirements.requirePrograms("docker", "rpm");
    docker = new DockerContainerRuntime(URI.create("unix:///var/run/docker.sock"));
    docker.ping();
    new ImageStore(docker, runner, scratch).ensureTool(ToolImage.RPMBUILD, line -> {});
    builder = new RpmBuilder(docker, runner, Clock.systemUTC());
  }

  @AfterAll
  static void disconnect() {
    if (docker != null) {
      docker.close();
    }
  }

  @Test
  void theExampleBuildsIntoABinaryRpmAndAnSrpmNamingItsCommits() throws Exception {
    BuildResult result =
        builder.build(
            request("tree", EXAMPLE, Optional.of(new SourceCommits(SOURCE, BUILD))), line -> {});

    assertEquals(BuildStatus.SUCCEEDED, result.status(), "see " + result.log());
    assertEquals(
        List.of(
            "perestroika-hello-1.0-1.el7~mos1.noarch.rpm",
            "perestroika-hello-1.0-1.el7~mos1.src.rpm"),
        result.artifacts().stream().map(Artifact::fileName).toList());
    for (Artifact rpm : result.artifacts()) {
      String changelog =
          runner.check(Command.of("rpm", "-qp", "--changelog", rpm.path().toString())).stdout();
      assertTrue(changelog.contains("- Source commit: " + SOURCE), changelog);
      assertTrue(changelog.contains("- Build commit: " + BUILD), changelog);
    }
    // The staged source is gone: the output holds the packages and the log only.
    try (var entries = Files.list(result.log().getParent())) {
      assertEquals(3, entries.count());
    }
  }

  @Test
  void anSrpmIsRebuiltAsItIs() throws Exception {
    BuildResult tree = builder.build(request("for-srpm", EXAMPLE, Optional.empty()), line -> {});
    Path srpm = tree.artifacts().get(1).path();

    BuildResult result = builder.build(request("srpm", srpm, Optional.empty()), line -> {});

    assertEquals(BuildStatus.SUCCEEDED, result.status(), "see " + result.log());
    assertEquals(
        List.of(
            "perestroika-hello-1.0-1.el7~mos1.noarch.rpm",
            "perestroika-hello-1.0-1.el7~mos1.src.rpm"),
        result.artifacts().stream().map(Artifact::fileName).toList());
  }

  @Test
  void aFailingSpecIsAFailedBuildWithItsErrorInTheExcerpt() throws Exception {
    Path broken = work.resolve("broken");
    runner.check(Command.of("cp", "-a", EXAMPLE.toString(), broken.toString()));
    Path spec = broken.resolve("perestroika-hello.spec");
    Files.writeString(
        spec,
        Files.readString(spec).replace("install -D", "echo no-such-target >&2; false; install -D"));

    BuildResult result = builder.build(request("broken", broken, Optional.empty()), line -> {});

    assertEquals(BuildStatus.FAILED, result.status());
    assertTrue(result.artifacts().isEmpty());
    assertTrue(
        result.failureExcerpt().stream().anyMatch(l -> l.contains("no-such-target")),
        String.join("\n", result.failureExcerpt()));
  }

  private BuildRequest request(String id, Path source, Optional<SourceCommits> commits) {
    return new BuildRequest(
        "rpm-it-" + id,
        source,
        RpmBuilderTest.CENTOS7,
        BuildLimits.DEFAULTS.withTmpfsBytes(512 * BuildLimits.MIB),
        work.resolve("out-" + id),
        commits);
  }
}
