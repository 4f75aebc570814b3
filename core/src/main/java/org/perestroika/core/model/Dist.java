package org.perestroika.core.model;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A build target: a distribution release (bookworm, jammy, centos7), the family that names its
 * mirror folder (debian, ubuntu, centos-7), its package format and the mirror its chroot comes
 * from.
 */
public record Dist(String name, String family, PackageFormat format, URI mirror) {
  private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9.-]*");

  public Dist {
    if (name == null || !WORD.matcher(name).matches()) {
      throw new IllegalArgumentException("dist name '" + name + "' must be lower-case letters");
    }
    if (family == null || !WORD.matcher(family).matches()) {
      throw new IllegalArgumentException(
          "dist " + name + ": family '" + family + "' must be lower-case letters");
    }
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(mirror, "mirror");
  }
}
