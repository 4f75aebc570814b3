package org.perestroika.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;

/**
 * Makes real uploads of tiny native packages with the Debian tools directly, without a build
 * chroot: a 3.0 (native) source, one amd64 .deb of the same name, a .buildinfo and a .changes, with
 * the Depends and Build-Depends a test asks for, so that repositories with given relationships can
 * be published and checked in seconds.
 */
public final class DebUploads {
  /** Fixed timestamps make two builds of the same content byte-identical. */
  private static final Map<String, String> REPRODUCIBLE = Map.of("SOURCE_DATE_EPOCH", "1795000000");

  private static final String MAINTAINER = "Perestroika Tests <tests@perestroika.invalid>";

  private final CommandRunner runner = new ProcessCommandRunner();
  private final Path workDir;
  private int builds;

  public DebUploads(Path workDir) {
    Requirements.requirePrograms(
        "dpkg-deb", "dpkg-source", "dpkg-genchanges", "dpkg-genbuildinfo", "dpkg-distaddfile");
    this.workDir = workDir;
  }

  /**
   * Writes a small Packages file standing in for the base distribution: libc6, the essential
   * coreutils, build-essential (which every build needs) and debhelper providing debhelper-compat
   * 13. Returns {@code file}.
   */
  public static Path writeBasePackages(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          "Package: libc6\nVersion: 2.36-9+deb12u9\nArchitecture: amd64\nMulti-Arch: same\n\n"
              + "Package: coreutils\nVersion: 9.1-1\nArchitecture: amd64\nEssential: yes\n"
              + "Depends: libc6 (>= 2.34)\n\n"
              + "Package: build-essential\nVersion: 12.9\nArchitecture: amd64\n"
              + "Depends: libc6\n\n"
              + "Package: debhelper\nVersion: 13.11.4\nArchitecture: all\n"
              + "Provides: debhelper-compat (= 13)\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds {@code name} at native {@code version} (no revision), depending on nothing. */
  public Path build(String name, String version) {
    return build(name, version, "", "");
  }

  /**
   * Builds {@code name} at native {@code version}; returns its .changes.
   *
   * @param depends the binary's Depends field, or empty for none
   * @param buildDepends the source's Build-Depends field, or empty for none
   */
  public Path build(String name, String version, String depends, String buildDepends) {
    try {
      return buildChecked(name, version, depends, buildDepends);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path buildChecked(String name, String version, String depends, String buildDepends)
      throws IOException {
    Path dir = Files.createDirectories(workDir.resolve("build-" + ++builds));
    String treeName = name + "-" + version;
    Path tree = Files.createDirectories(dir.resolve(treeName));
    Files.createDirectories(tree.resolve("debian/source"));
    Files.writeString(tree.resolve("debian/source/format"), "3.0 (native)\n");
    Files.writeString(
        tree.resolve("debian/changelog"),
        name
            + " ("
            + version
            + ") bookworm; urgency=medium\n\n  * Test fixture.\n"
            + FakeUploads.COMMIT_LINES
            + "\n -- "
            + MAINTAINER
            + "  Sat, 21 Nov 2026 12:00:00 +0000\n");
    Files.writeString(
        tree.resolve("debian/control"),
        "Source: "
            + name
            + "\nSection: misc\nPriority: optional\nMaintainer: "
            + MAINTAINER
            + "\n"
            + (buildDepends.isEmpty() ? "" : "Build-Depends: " + buildDepends + "\n")
            + "\nPackage: "
            + name
            + "\nArchitecture: amd64\n"
            + (depends.isEmpty() ? "" : "Depends: " + depends + "\n")
            + "Description: test fixture\n a package the tests publish.\n");
    run(dir, "dpkg-source", "-b", treeName);

    Path stage = Files.createDirectories(dir.resolve("stage/DEBIAN"));
    Files.writeString(
        stage.resolve("control"),
        "Package: "
            + name
            + "\nVersion: "
            + version
            + "\nArchitecture: amd64\nMaintainer: "
            + MAINTAINER
            + "\n"
            + (depends.isEmpty() ? "" : "Depends: " + depends + "\n")
            + "Section: misc\nPriority: optional\n"
            + "Description: test fixture\n a package the tests publish.\n");
    Path doc = Files.createDirectories(dir.resolve("stage/usr/share/doc/" + name));
    Files.writeString(doc.resolve("README"), name + " " + version + "\n");
    String deb = name + "_" + version + "_amd64.deb";
    run(dir, "dpkg-deb", "--root-owner-group", "-Zgzip", "--build", "stage", deb);

    run(tree, "dpkg-distaddfile", "-fdebian/files", deb, "misc", "optional");
    run(tree, "dpkg-genbuildinfo", "-O../" + name + "_" + version + "_amd64.buildinfo");
    String changes = name + "_" + version + "_amd64.changes";
    run(tree, "dpkg-genchanges", "-sa", "-O../" + changes);
    return dir.resolve(changes);
  }

  private void run(Path dir, String... argv) {
    runner.check(Command.of(List.of(argv)).withEnvironment(REPRODUCIBLE).inDirectory(dir));
  }
}
