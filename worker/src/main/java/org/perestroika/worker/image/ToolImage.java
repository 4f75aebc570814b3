package org.perestroika.worker.image;

import java.util.List;

/**
 * An image that holds build tools only, built from a folder under docker-images/ that ships inside
 * the worker jar. {@code files} lists the folder's files, Dockerfile first.
 */
public record ToolImage(String folder, String reference, List<String> files) {
  public static final ToolImage SBUILD =
      new ToolImage(
          "sbuild",
          "perestroika/sbuild:latest",
          List.of("Dockerfile", "perestroika.conf", "fstab"));

  /** rpmbuild without a compiler, for RPM builds in a read-only root with a tmpfs _topdir. */
  public static final ToolImage RPMBUILD =
      new ToolImage("rpmbuild", "perestroika/rpmbuild:latest", List.of("Dockerfile"));

  public ToolImage {
    files = List.copyOf(files);
  }
}
