package org.perestroika.worker.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.RecordingCommandRunner;
import org.perestroika.worker.chroot.ChrootSnapshot;
import org.perestroika.worker.container.FakeContainerRuntime;

class ImageStoreTest {
  /** The sbuild image's build context in the source tree; the worker jar carries a copy. */
  private static final Path SBUILD_CONTEXT = Path.of("..", "docker-images", "sbuild");

  private static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));

  @TempDir Path tmp;

  private final FakeContainerRuntime runtime = new FakeContainerRuntime();
  private final RecordingCommandRunner runner =
      new RecordingCommandRunner(new ProcessCommandRunner()::run);
  private final List<String> progress = new ArrayList<>();
  private Path scratch;
  private ImageStore images;

  @BeforeEach
  void store() {
    scratch = tmp.resolve("scratch");
    images = new ImageStore(runtime, runner, scratch);
  }

  @Test
  void aMissingToolImageIsBuiltFromExactlyItsContextFiles() throws IOException {
    assertTrue(images.ensureTool(ToolImage.SBUILD, progress::add));

    assertEquals(1, runtime.builds().size());
    FakeContainerRuntime.Build build = runtime.builds().get(0);
    Path context = scratch.resolve("context-sbuild");
    assertEquals(context, build.contextDir());
    assertEquals("perestroika/sbuild:latest", build.reference());
    assertEquals(
        List.of("Dockerfile", "fstab", "perestroika.conf"), List.copyOf(build.files().keySet()));
    for (String name : ToolImage.SBUILD.files()) {
      assertArrayEquals(
          Files.readAllBytes(SBUILD_CONTEXT.resolve(name)), build.files().get(name), name);
    }
    assertEquals(List.of(ImageStore.CONTEXT_LABEL), List.copyOf(build.labels().keySet()));
    assertTrue(
        build.labels().get(ImageStore.CONTEXT_LABEL).matches("[0-9a-f]{64}"),
        build.labels()::toString);
    assertEquals(List.of("rm -rf " + context), runner.commandLines());
    assertEquals(List.of("Successfully tagged perestroika/sbuild:latest"), progress);
  }

  @Test
  void everyFileTheImageListsIsInTheContextDirectoryOfTheSourceTree() throws IOException {
    try (Stream<Path> files = Files.list(SBUILD_CONTEXT)) {
      assertEquals(
          ToolImage.SBUILD.files().stream().sorted().toList(),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("Dockerfile", ToolImage.SBUILD.files().get(0));
  }

  @Test
  void anImageBuiltFromTheSameContextIsKept() {
    images.ensureTool(ToolImage.SBUILD, progress::add);
    String digest = runtime.builds().get(0).labels().get(ImageStore.CONTEXT_LABEL);
    FakeContainerRuntime upToDate =
        new FakeContainerRuntime()
            .withImage("perestroika/sbuild:latest", Map.of(ImageStore.CONTEXT_LABEL, digest));
    RecordingCommandRunner idle = new RecordingCommandRunner();

    boolean built =
        new ImageStore(upToDate, idle, scratch).ensureTool(ToolImage.SBUILD, progress::add);

    assertFalse(built);
    assertEquals(List.of(), upToDate.builds());
    assertEquals(List.of(), idle.commands());
  }

  @Test
  void anImageBuiltFromAnotherContextIsRebuiltFromAFreshDirectory() throws IOException {
    runtime.withImage(
        "perestroika/sbuild:latest", Map.of(ImageStore.CONTEXT_LABEL, "0".repeat(64)));
    Path stale = Files.createDirectories(scratch.resolve("context-sbuild"));
    Files.writeString(stale.resolve("Dockerfile.orig"), "FROM debian:buster\n");

    assertTrue(images.ensureTool(ToolImage.SBUILD, progress::add));

    FakeContainerRuntime.Build build = runtime.builds().get(0);
    assertEquals(
        List.of("Dockerfile", "fstab", "perestroika.conf"), List.copyOf(build.files().keySet()));
    assertFalse(build.labels().get(ImageStore.CONTEXT_LABEL).equals("0".repeat(64)));
    assertEquals(Optional.of(build.labels()), runtime.imageLabels("perestroika/sbuild:latest"));
  }

  @Test
  void anImageWithoutTheContextLabelIsRebuilt() {
    runtime.withImage("perestroika/sbuild:latest", Map.of("maintainer", "someone"));

    assertTrue(images.ensureTool(ToolImage.SBUILD, progress::add));
    assertEquals(1, runtime.builds().size());
  }

  @Test
  void theBaseImageIsBuiltFromATarOfTheSnapshotWhoseContextIsDeletedAfterwards()
      throws IOException {
    ImageStore store = new ImageStore(runtime, new ProcessCommandRunner(), scratch);
    Path chroot = Files.createDirectories(tmp.resolve("chroots/bookworm/20260101T000000Z"));
    Files.writeString(
        Files.createDirectories(chroot.resolve("etc")).resolve("debian_version"), "12.9\n");
    ChrootSnapshot snapshot =
        new ChrootSnapshot(
            "bookworm", "20260101T000000Z", chroot, Instant.parse("2026-01-01T00:00:00Z"));

    assertTrue(store.ensureBase(BOOKWORM, snapshot, line -> {}));

    assertEquals(1, runtime.builds().size());
    FakeContainerRuntime.Build build = runtime.builds().get(0);
    assertEquals("debian:bookworm", build.reference());
    assertEquals(Map.of(ImageStore.SNAPSHOT_LABEL, "bookworm/20260101T000000Z"), build.labels());
    assertEquals(
        "FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/bash\"]\n",
        new String(build.files().get("Dockerfile"), java.nio.charset.StandardCharsets.UTF_8));
    Path rootfs = Files.write(tmp.resolve("rootfs.tar"), build.files().get("rootfs.tar"));
    String listing =
        new ProcessCommandRunner().check(Command.of("tar", "-tf", rootfs.toString())).stdout();
    assertTrue(listing.lines().anyMatch("./etc/debian_version"::equals), listing);
    assertFalse(Files.exists(build.contextDir()), "the context is deleted afterwards");

    assertFalse(store.ensureBase(BOOKWORM, snapshot, line -> {}), "an existing base image is kept");
    assertEquals(1, runtime.builds().size());
  }
}
