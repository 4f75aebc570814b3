package org.perestroika.publisher.apt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.Requirements;

/**
 * Builds real uploads of a tiny package with the Debian tools, as a build would leave them: a 3.0
 * (quilt) source (.dsc, orig and debian tarballs), one amd64 .deb, a .buildinfo and a .changes made
 * by dpkg-genchanges. Same upstream version, same orig tarball bytes, so revisions can share it in
 * the pool.
 */
public final class RealUploads {
  public static final String SOURCE = "perestroika-hello";

  /** Fixed timestamps make two builds of the same content byte-identical. */
  private static final Map<String, String> REPRODUCIBLE = Map.of("SOURCE_DATE_EPOCH", "1795000000");

  private final CommandRunner runner = new ProcessCommandRunner();
  private final Path workDir;
  private int builds;

  public RealUploads(Path workDir) {
    Requirements.requirePrograms(
        "dpkg-deb",
        "dpkg-source",
        "dpkg-genchanges",
        "dpkg-genbuildinfo",
        "dpkg-distaddfile",
        "tar",
        "gzip");
    this.workDir = workDir;
  }

  /**
   * Builds {@code version} (without epoch) whose files say {@code content}; returns the .changes.
   */
  public Path build(String version, String content) throws IOException {
    String upstream = version.substring(0, version.lastIndexOf('-'));
    Path dir = Files.createDirectories(workDir.resolve("build-" + ++builds));
    String treeName = SOURCE + "-" + upstream;
    Path tree = Files.createDirectories(dir.resolve(treeName));
    Files.writeString(tree.resolve("README"), "upstream " + upstream + "\n");
    String orig = SOURCE + "_" + upstream + ".orig.tar";
    run(
        dir,
        "tar",
        "--sort=name",
        "--mtime=@0",
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "-cf",
        orig,
        treeName);
    run(dir, "gzip", "-n", orig);

    Path debian = Files.createDirectories(tree.resolve("debian/source"));
    Files.writeString(debian.resolve("format"), "3.0 (quilt)\n");
    Files.writeString(
        tree.resolve("debian/changelog"),
        SOURCE
            + " ("
            + version
            + ") bookworm; urgency=medium\n\n  * "
            + content
            + "\n\n -- Perestroika Build Farm <builds@perestroika.invalid>"
            + "  Sat, 21 Nov 2026 12:00:00 +0000\n");
    Files.writeString(
        tree.resolve("debian/control"),
        "Source: "
            + SOURCE
            + "\nSection: misc\nPriority: optional\n"
            + "Maintainer: Perestroika Build Farm <builds@perestroika.invalid>\n\n"
            + "Package: "
            + SOURCE
            + "\nArchitecture: amd64\nDescription: greeting for tests\n a tiny package\n");
    Files.writeString(tree.resolve("debian/README.Debian"), content + "\n");
    run(dir, "dpkg-source", "-b", treeName);

    Path stage = Files.createDirectories(dir.resolve("stage/DEBIAN"));
    Files.writeString(
        stage.resolve("control"),
        "Package: "
            + SOURCE
            + "\nSource: "
            + SOURCE
            + "\nVersion: "
            + version
            + "\nArchitecture: amd64\n"
            + "Maintainer: Perestroika Build Farm <builds@perestroika.invalid>\n"
            + "Section: misc\nPriority: optional\n"
            + "Description: greeting for tests\n a tiny package\n");
    Path doc = Files.createDirectories(dir.resolve("stage/usr/share/doc/" + SOURCE));
    Files.writeString(doc.resolve("README"), content + "\n");
    String deb = SOURCE + "_" + version + "_amd64.deb";
    run(dir, "dpkg-deb", "--root-owner-group", "-Zgzip", "--build", "stage", deb);

    run(tree, "dpkg-distaddfile", "-fdebian/files", deb, "misc", "optional");
    run(tree, "dpkg-genbuildinfo", "-O../" + SOURCE + "_" + version + "_amd64.buildinfo");
    String changes = SOURCE + "_" + version + "_amd64.changes";
    run(tree, "dpkg-genchanges", "-sa", "-O../" + changes);
    return dir.resolve(changes);
  }

  private void run(Path dir, String... argv) {
    runner.check(Command.of(List.of(argv)).withEnvironment(REPRODUCIBLE).inDirectory(dir));
  }
}
