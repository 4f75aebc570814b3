package org.perestroika.worker.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.perestroika.core.model.Dist;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.worker.chroot.ChrootSnapshot;
import org.perestroika.worker.container.ContainerRuntime;

/**
 * Makes the images builds run in, with no registry: the base image is imported from a chroot
 * snapshot made by debootstrap, and tool images are built on it from docker-images/. An image is
 * rebuilt only when its build context changed, which a label on the image records.
 */
public final class ImageStore {
  /** Label recording the sha256 of the context an image was built from. */
  public static final String CONTEXT_LABEL = "org.perestroika.context-sha256";

  private final ContainerRuntime runtime;
  private final CommandRunner runner;
  private final Path scratch;

  public ImageStore(ContainerRuntime runtime, CommandRunner runner, Path scratch) {
    this.runtime = runtime;
    this.runner = runner;
    this.scratch = scratch;
  }

  /** The base image reference for a dist, as a registry would name it: debian:bookworm. */
  public static String baseImage(Dist dist) {
    return dist.family() + ":" + dist.name();
  }

  /** Label naming the chroot snapshot a base image was made from. */
  public static final String SNAPSHOT_LABEL = "org.perestroika.snapshot";

  /**
   * Makes the base image from the snapshot unless it exists; true when it did the work. The
   * snapshot's files are added to an empty image, which is what {@code docker import} does; the
   * build endpoint is used because it streams its context, where docker-java's import does not.
   */
  public boolean ensureBase(Dist dist, ChrootSnapshot snapshot, Consumer<String> progress) {
    String reference = baseImage(dist);
    if (runtime.imageLabels(reference).isPresent()) {
      return false;
    }
    Path context = scratch.resolve("context-base-" + dist.name());
    try {
      runner.check(Command.of("rm", "-rf", context.toString()));
      Files.createDirectories(context);
      Files.writeString(
          context.resolve("Dockerfile"),
          "FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/bash\"]\n",
          StandardCharsets.UTF_8);
      // A plain tar: compressing 500 MB only to have the engine decompress it costs seconds.
      runner.check(
          Command.of(
                  "tar",
                  "-C",
                  snapshot.directory().toString(),
                  "-cf",
                  context.resolve("rootfs.tar").toString(),
                  ".")
              .withTimeout(Duration.ofMinutes(10)));
      runtime.buildImage(context, reference, Map.of(SNAPSHOT_LABEL, snapshot.label()), progress);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      runner.run(Command.of("rm", "-rf", context.toString()));
    }
    return true;
  }

  /** Builds the tool image unless one built from the same context exists; true when it built. */
  public boolean ensureTool(ToolImage image, Consumer<String> progress) {
    Map<String, byte[]> context = readContext(image);
    String digest = digest(context);
    boolean current =
        runtime
            .imageLabels(image.reference())
            .map(labels -> digest.equals(labels.get(CONTEXT_LABEL)))
            .orElse(false);
    if (current) {
      return false;
    }
    try {
      Path dir = scratch.resolve("context-" + image.folder());
      runner.check(Command.of("rm", "-rf", dir.toString()));
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> file : context.entrySet()) {
        Files.write(dir.resolve(file.getKey()), file.getValue());
      }
      runtime.buildImage(dir, image.reference(), Map.of(CONTEXT_LABEL, digest), progress);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  private static Map<String, byte[]> readContext(ToolImage image) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : image.files()) {
      String resource = "/docker-images/" + image.folder() + "/" + name;
      try (InputStream in = ImageStore.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("the worker jar lacks " + resource + "; rebuild it");
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private static String digest(Map<String, byte[]> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      files.forEach(
          (name, content) -> {
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(content);
          });
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
