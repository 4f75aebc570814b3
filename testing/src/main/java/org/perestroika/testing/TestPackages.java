package org.perestroika.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes small native Debian source packages whose build step does one given thing: fail, sleep, or
 * fill the disk. They build with debhelper only, so a bare buildd chroot can build them.
 */
public final class TestPackages {
  /** The fixtures' version: it carries "mos", so the publisher's version policy takes it. */
  public static final String VERSION = "1.0+mos1";

  private TestPackages() {}

  /**
   * A package whose build runs {@code buildStep} (a make recipe line) and then installs nothing.
   */
  public static Path write(Path parent, String name, String version, String buildStep) {
    Path dir = parent.resolve(name);
    try {
      Files.createDirectories(dir.resolve("debian/source"));
      Files.writeString(dir.resolve("debian/source/format"), "3.0 (native)\n");
      Files.writeString(
          dir.resolve("debian/changelog"),
          name
              + " ("
              + version
              + ") unstable; urgency=medium\n\n  * Test fixture.\n\n"
              + " -- Perestroika Tests <tests@perestroika.invalid>  Sat, 21 Nov 2026 12:00:00 +0000\n");
      Files.writeString(
          dir.resolve("debian/control"),
          "Source: "
              + name
              + "\nSection: misc\nPriority: optional\n"
              + "Maintainer: Perestroika Tests <tests@perestroika.invalid>\n"
              + "Build-Depends: debhelper-compat (= 13)\nStandards-Version: 4.6.2\n"
              + "Rules-Requires-Root: no\n\nPackage: "
              + name
              + "\nArchitecture: all\nDescription: test fixture\n A package the tests build.\n");
      Path rules = dir.resolve("debian/rules");
      Files.writeString(
          rules,
          "#!/usr/bin/make -f\n%:\n\tdh $@\n\noverride_dh_auto_build:\n\t" + buildStep + "\n");
      Files.setPosixFilePermissions(rules, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path failing(Path parent) {
    return write(
        parent, "perestroika-broken", VERSION, "echo 'this package does not build' >&2; exit 3");
  }

  public static Path sleeping(Path parent, int seconds) {
    return write(parent, "perestroika-sleepy", VERSION, "sleep " + seconds);
  }

  /** Writes {@code megabytes} of zeros in the build tree, which lives on the build's tmpfs. */
  public static Path filling(Path parent, int megabytes) {
    return write(
        parent,
        "perestroika-filler",
        VERSION,
        "dd if=/dev/zero of=filler bs=1M count=" + megabytes);
  }
}
