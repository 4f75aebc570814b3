package org.perestroika.core.model;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** One file a build produced, with the checksum it was produced with. */
public record Artifact(Path path, String sha256, long size) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public Artifact {
    if (path == null || path.getFileName() == null) {
      throw new IllegalArgumentException("artifact path missing");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("artifact " + path + ": bad sha256 '" + sha256 + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("artifact " + path + ": negative size");
    }
  }

  public String fileName() {
    return path.getFileName().toString();
  }
}
