package org.perestroika.worker.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.perestroika.worker.deb.SourceFixtures.HELLO;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_DEBIAN_TARBALL;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_ORIG;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_SOURCE;
import static org.perestroika.worker.deb.SourceFixtures.HELLO_VERSION;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.debian.InvalidSourceException;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.version.DebianVersion;

class SourcePackageTest {
  @TempDir Path dir;

  @Test
  void theExamplePackageIsAQuiltTreeWithItsOrigTarballBesideIt() {
    SourcePackage source = SourcePackage.inspect(HELLO);

    assertEquals(HELLO_SOURCE, source.name());
    assertEquals(DebianVersion.parse(HELLO_VERSION), source.version());
    assertEquals(HELLO, source.path());
    assertEquals("perestroika-hello-1.0", source.stagedTree());
    assertEquals(List.of(HELLO_ORIG), source.companions());
    assertEquals("perestroika-hello_1.0-1~deb12+mos1.build", source.logFileName());
  }

  @Test
  void aQuiltTreeTakesEveryOrigTarballOfItsUpstreamVersionAndNothingElse() throws IOException {
    Path tree = SourceFixtures.tree(dir, "hello-2.1", "hello", "2.1-3", "3.0 (quilt)");
    Path orig = SourceFixtures.file(dir, "hello_2.1.orig.tar.xz", "main");
    Path signature = SourceFixtures.file(dir, "hello_2.1.orig.tar.xz.asc", "signature");
    Path component = SourceFixtures.file(dir, "hello_2.1.orig-docs.tar.gz", "docs");
    SourceFixtures.file(dir, "hello_2.0.orig.tar.xz", "an older upstream");
    SourceFixtures.file(dir, "hello-extra_2.1.orig.tar.xz", "another package");
    SourceFixtures.file(dir, "hello_2.1.orig.tar.xz.bak", "a backup");
    SourceFixtures.file(dir, "hello_2.1-2.debian.tar.xz", "an older packaging");

    SourcePackage source = SourcePackage.inspect(tree);

    assertEquals("hello", source.name());
    assertEquals(DebianVersion.parse("2.1-3"), source.version());
    assertEquals("hello-2.1", source.stagedTree());
    assertEquals(List.of(component, orig, signature), source.companions());
  }

  @Test
  void theStagedTreeAndTheLogNameLeaveTheEpochOut() throws IOException {
    Path tree = SourceFixtures.tree(dir, "tool", "tool", "1:2.0-1", "3.0 (quilt)");
    SourceFixtures.file(dir, "tool_2.0.orig.tar.gz", "upstream");

    SourcePackage source = SourcePackage.inspect(tree);

    assertEquals("tool-2.0", source.stagedTree());
    assertEquals("tool_2.0-1.build", source.logFileName());
  }

  @Test
  void aNativeTreeNeedsNoTarballAndTakesNone() throws IOException {
    Path tree = SourceFixtures.tree(dir, "farm-tools", "farm-tools", "2.1", "3.0 (native)");
    SourceFixtures.file(dir, "farm-tools_2.1.orig.tar.gz", "stray");

    SourcePackage source = SourcePackage.inspect(tree);

    assertEquals("farm-tools", source.name());
    assertEquals(DebianVersion.parse("2.1"), source.version());
    assertEquals("farm-tools-2.1", source.stagedTree());
    assertEquals(List.of(), source.companions());
  }

  @Test
  void aQuiltTreeWithoutItsOrigTarballNamesTheTarballItExpects() throws IOException {
    Path tree = SourceFixtures.tree(dir, "hello-2.1", "hello", "2.1-3", "3.0 (quilt)");
    SourceFixtures.file(dir, "hello_2.0.orig.tar.xz", "an older upstream");

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> SourcePackage.inspect(tree));

    assertTrue(e.getMessage().contains("no hello_2.1.orig.tar.* lies beside it"), e.getMessage());
    assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("format 3.0 (quilt)"), e.getMessage());
  }

  @Test
  void aTreeWithoutFormatIsSourceFormatOneAndStillNeedsItsOrigTarball() throws IOException {
    Path tree = SourceFixtures.tree(dir, "old-1.0", "old", "1.0-1", null);

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> SourcePackage.inspect(tree));

    assertTrue(e.getMessage().contains("format 1.0"), e.getMessage());
  }

  @Test
  void aTreeWithoutChangelogIsNotASource() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("bare/debian"));

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> SourcePackage.inspect(tree.getParent()));

    assertTrue(e.getMessage().contains("no debian/changelog"), e.getMessage());
  }

  @Test
  void aMalformedChangelogNamesItsFileAndLine() throws IOException {
    Path tree = SourceFixtures.tree(dir, "hello-2.1", "hello", "2.1-3", "3.0 (quilt)");
    Files.writeString(tree.resolve("debian/changelog"), "\nhello 2.1-3 unstable urgency=low\n");

    MalformedControlFileException e =
        assertThrows(MalformedControlFileException.class, () -> SourcePackage.inspect(tree));

    assertEquals(tree.resolve("debian/changelog").toString(), e.sourceName());
    assertEquals(2, e.line());
  }

  @Test
  void aDscBringsTheFilesItListsInItsOrder() throws IOException {
    Path dsc = SourceFixtures.helloDsc(dir);
    Path orig = dir.resolve(HELLO_ORIG.getFileName());
    Path debian = dir.resolve(HELLO_DEBIAN_TARBALL);

    SourcePackage source = SourcePackage.inspect(dsc);

    assertEquals(HELLO_SOURCE, source.name());
    assertEquals(DebianVersion.parse(HELLO_VERSION), source.version());
    assertEquals(dsc, source.path());
    assertNull(source.stagedTree());
    assertEquals(List.of(orig, debian), source.companions());
    assertEquals("perestroika-hello_1.0-1~deb12+mos1.build", source.logFileName());
  }

  @Test
  void aDscWhoseFileIsMissingSaysWhichFile() throws IOException {
    Path dsc = SourceFixtures.helloDsc(dir);
    Files.delete(dir.resolve(HELLO_DEBIAN_TARBALL));

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> SourcePackage.inspect(dsc));

    assertTrue(
        e.getMessage().contains("lists " + HELLO_DEBIAN_TARBALL + ", which is not beside it"),
        e.getMessage());
  }

  @Test
  void aDscWhoseFileHasTheWrongChecksumIsRefused() throws IOException {
    Path dsc = SourceFixtures.helloDsc(dir);
    Path debian = Files.writeString(dir.resolve(HELLO_DEBIAN_TARBALL), "tampered");

    InvalidSourceException e =
        assertThrows(InvalidSourceException.class, () -> SourcePackage.inspect(dsc));

    assertEquals(
        debian + " does not match the sha256 that " + dsc.getFileName() + " gives for it",
        e.getMessage());
  }

  @Test
  void aDscMayNotReachOutsideItsDirectory() throws IOException {
    Path dsc =
        SourceFixtures.file(
            dir,
            "evil_1.0-1.dsc",
            "Source: evil\nVersion: 1.0-1\nChecksums-Sha256:\n "
                + "0".repeat(64)
                + " 10 ../../etc/passwd\n");

    MalformedControlFileException e =
        assertThrows(MalformedControlFileException.class, () -> SourcePackage.inspect(dsc));

    assertEquals(4, e.line());
  }

  @Test
  void aDscThatListsNoFilesIsMalformed() throws IOException {
    Path dsc = SourceFixtures.file(dir, "empty_1.0-1.dsc", "Source: empty\nVersion: 1.0-1\n");

    assertThrows(MalformedControlFileException.class, () -> SourcePackage.inspect(dsc));
  }

  @Test
  void aPathThatIsNeitherATreeNorADscIsRefused() throws IOException {
    Path tarball = SourceFixtures.file(dir, "hello_2.1.tar.gz", "not a source package");
    Path missing = dir.resolve("missing.dsc");

    for (Path path : List.of(tarball, missing)) {
      InvalidSourceException e =
          assertThrows(InvalidSourceException.class, () -> SourcePackage.inspect(path));
      assertEquals(
          path
              + " is neither a .dsc file nor a directory: give a .dsc or an unpacked source tree"
              + " with debian/",
          e.getMessage());
    }
  }
}
