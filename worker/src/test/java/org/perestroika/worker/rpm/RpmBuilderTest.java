package org.perestroika.worker.rpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.TestingClock;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerSpec;
import org.perestroika.worker.container.FakeContainerRuntime;
import org.perestroika.worker.container.Ownership;
import org.perestroika.worker.image.ImageStore;
import org.perestroika.worker.image.ToolImage;

class RpmBuilderTest {
  static final Dist CENTOS7 =
      new Dist("centos7", "centos-7", PackageFormat.RPM, URI.create("http://vault.centos.org/7"));
  static final String SPEC =
      """
      Name: perestroika-hello
      Version: 1.0
      Release: 1%{?dist}~mos1
      Summary: hello
      License: MIT

      %description
      hello

      %changelog
      * Sat Nov 21 2026 Builds <builds@perestroika.invalid> - 1.0-1~mos1
      - Initial release.

      * Fri Nov 20 2026 Builds <builds@perestroika.invalid> - 0.9-1~mos1
      - Older.
      """;
  static final String SOURCE = "17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b";
  static final String BUILD = "8bf699819c9d30e2d34e14e76917f94daea4c67f";

  @TempDir Path work;

  @Test
  void theContainerIsReadOnlyOfflineAndBuildsInItsTmpfs() throws Exception {
    Path tree = tree(SPEC);
    BuildLimits limits = new BuildLimits(Duration.ofMinutes(5), 512L << 20, 128, 64L << 20);
    BuildRequest request =
        new BuildRequest("b1", tree, CENTOS7, limits, work.resolve("out"), Optional.empty());

    ContainerSpec spec =
        RpmBuilder.containerSpec(
            request, RpmSource.inspect(tree), "perestroika-hello-source", ".el7");

    assertEquals("perestroika/rpmbuild:latest", spec.image());
    assertEquals(
        List.of(
            "sh",
            "-c",
            "set -e; mkdir -p /rpmbuild/SOURCES; cp -a /build/perestroika-hello-source/."
                + " /rpmbuild/SOURCES/ && rpmbuild -ba --define '_topdir /rpmbuild' --define"
                + " 'dist .el7' /rpmbuild/SOURCES/perestroika-hello.spec; find /rpmbuild/RPMS"
                + " /rpmbuild/SRPMS -name '*.rpm' -exec cp -v -t /build {} +"),
        spec.command());
    assertTrue(spec.readOnlyRoot());
    assertEquals(ContainerSpec.Network.NONE, spec.network());
    assertEquals(Ownership.labels("b1"), spec.labels());
    assertEquals(
        List.of(new ContainerSpec.BindMount(work.resolve("out"), "/build", false)), spec.binds());
    assertEquals(
        Map.of(
            "/rpmbuild", "rw,exec,size=67108864,mode=0755",
            "/tmp", "rw,exec,size=67108864,mode=1777",
            "/var/tmp", "rw,exec,size=67108864,mode=1777"),
        spec.tmpfs());
    assertEquals(512L << 20, spec.memoryBytes());
    assertEquals(128, spec.pids());
  }

  @Test
  void aSourceRpmIsRebuiltAndOnlyItsBinariesCopiedOut() throws Exception {
    Path srpm = Files.writeString(work.resolve("perestroika-hello-1.0-1.el7~mos1.src.rpm"), "x");
    BuildRequest request =
        new BuildRequest(
            "b2", srpm, CENTOS7, BuildLimits.DEFAULTS, work.resolve("out"), Optional.empty());
    RpmSource source = RpmSource.inspect(srpm);

    ContainerSpec spec =
        RpmBuilder.containerSpec(request, source, srpm.getFileName().toString(), ".el7");

    assertEquals("perestroika-hello", source.name());
    assertEquals(
        "set -e; mkdir -p /rpmbuild/SOURCES; rpmbuild --rebuild --define '_topdir /rpmbuild'"
            + " --define 'dist .el7' /build/perestroika-hello-1.0-1.el7~mos1.src.rpm; find"
            + " /rpmbuild/RPMS -name '*.rpm' -exec cp -v -t /build {} +",
        spec.command().get(2));
  }

  @Test
  void theDistTagComesFromTheFamilysRelease() {
    assertEquals(".el7", RpmBuilder.distTag(CENTOS7));
    Dist bookworm =
        new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org"));
    assertThrows(IllegalArgumentException.class, () -> RpmBuilder.distTag(bookworm));
  }

  @Test
  void theCommitsEndTheTopChangelogEntryOnly() throws Exception {
    String spec = RpmSource.inspect(tree(SPEC)).specWith(new SourceCommits(SOURCE, BUILD));

    assertTrue(
        spec.contains(
            "- Initial release.\n- Source commit: "
                + SOURCE
                + "\n- Build commit: "
                + BUILD
                + "\n\n* Fri Nov 20 2026"),
        spec);
    assertEquals(1, spec.split("Source commit", -1).length - 1, spec);
  }

  @Test
  void commitLinesAlreadyThereAreKeptAndOthersRefused() throws Exception {
    String named =
        SPEC.replace("- Initial release.", "- Initial release.\n- Source commit: " + SOURCE);
    RpmSource source = RpmSource.inspect(tree(named));

    String spec = source.specWith(SourceCommits.same(SOURCE));
    assertEquals(1, spec.split("Source commit", -1).length - 1, spec);
    assertTrue(spec.contains("- Build commit: " + SOURCE), spec);

    InvalidSourceException e =
        assertThrows(
            InvalidSourceException.class, () -> source.specWith(SourceCommits.same(BUILD)));
    assertTrue(e.getMessage().contains("names source commit " + SOURCE), e.getMessage());
  }

  @Test
  void aReleaseTagNotOfTheMosFormIsRefusedBeforeAnyContainer() throws Exception {
    Path tree = tree(SPEC.replace("1%{?dist}~mos1", "1%{?dist}"));

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> RpmSource.inspect(tree));

    assertTrue(e.getMessage().contains("N%{?dist}~mosN"), e.getMessage());
  }

  @Test
  void aDirectoryNeedsExactlyOneSpec() throws Exception {
    Path tree = tree(SPEC);
    Files.writeString(tree.resolve("other.spec"), SPEC);

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> RpmSource.inspect(tree));

    assertTrue(e.getMessage().contains("holds 2 .spec files"), e.getMessage());
  }

  @Test
  void theLogTellsHowLongTheContainerLivedToTheMillisecond() throws Exception {
    TestingClock clock = TestingClock.at("2026-01-01T12:00:00Z");
    FakeContainerRuntime containers =
        new FakeContainerRuntime()
            .withImage(
                ToolImage.RPMBUILD.reference(),
                Map.of(ImageStore.CONTEXT_LABEL, "0123456789abcdef0123"));
    containers.thenRun(
        (spec, lines) -> {
          Path build = FakeContainerRuntime.hostPath(spec, "/build");
          Files.writeString(build.resolve("perestroika-hello-1.0-1.el7~mos1.noarch.rpm"), "rpm");
          Files.writeString(build.resolve("perestroika-hello-1.0-1.el7~mos1.src.rpm"), "srpm");
          clock.advance(Duration.ofMillis(4321));
          lines.accept("Wrote: /rpmbuild/SRPMS/perestroika-hello-1.0-1.el7~mos1.src.rpm");
          return new ContainerExit(0, false);
        });
    RpmBuilder builder = new RpmBuilder(containers, new ProcessCommandRunner(), clock);
    List<String> output = new ArrayList<>();

    BuildResult result =
        builder.build(
            new BuildRequest(
                "b3",
                tree(SPEC),
                CENTOS7,
                BuildLimits.DEFAULTS,
                work.resolve("out"),
                Optional.empty()),
            output::add);

    assertEquals(BuildStatus.SUCCEEDED, result.status());
    assertTrue(
        output.contains("perestroika: container time 4.321 s, created to removed"),
        output::toString);
    assertEquals(Files.readAllLines(result.log()), output);
  }

  private Path tree(String spec) throws Exception {
    Path tree = Files.createDirectories(work.resolve("src"));
    Files.writeString(tree.resolve("perestroika-hello.spec"), spec);
    return tree;
  }
}
