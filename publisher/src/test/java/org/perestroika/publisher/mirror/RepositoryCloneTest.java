package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.debian.MalformedControlFileException;

class RepositoryCloneTest {
  private static final String SHA = "a".repeat(64);

  @TempDir Path dir;

  private static List<RepositoryClone.PoolFile> parse(String packages) throws IOException {
    return RepositoryClone.poolFiles(new BufferedReader(new StringReader(packages)), "Packages");
  }

  @Test
  void readsTheFileSizeAndChecksumOfEveryPackage() throws IOException {
    String packages =
        "Package: hello\nVersion: 2.10-3\nFilename: pool/main/h/hello/hello_2.10-3_amd64.deb\n"
            + "Size: 53040\nSHA256: "
            + SHA
            + "\nDescription: greets\n more text: with a colon\n\n\n"
            + "Package: hello-doc\nfilename: pool/main/h/hello/hello-doc_2.10-3_all.deb\n"
            + "size: 1\nsha256: "
            + "b".repeat(64)
            + "\n";

    assertEquals(
        List.of(
            new RepositoryClone.PoolFile("pool/main/h/hello/hello_2.10-3_amd64.deb", 53040, SHA),
            new RepositoryClone.PoolFile(
                "pool/main/h/hello/hello-doc_2.10-3_all.deb", 1, "b".repeat(64))),
        parse(packages));
  }

  @Test
  void refusesPackagesThatCannotBeCheckedOrThatLeaveTheCopy() {
    MalformedControlFileException unchecked =
        assertThrows(
            MalformedControlFileException.class,
            () -> parse("Package: a\nFilename: pool/a.deb\nSize: 1\n"));
    assertTrue(unchecked.getMessage().contains("without Filename, Size and SHA256"));

    MirrorException escaping =
        assertThrows(
            MirrorException.class,
            () -> parse("Filename: pool/../../etc/passwd\nSize: 1\nSHA256: " + SHA + "\n"));
    assertTrue(escaping.getMessage().contains("which is not a plain path"));

    MalformedControlFileException dists =
        assertThrows(
            MalformedControlFileException.class,
            () -> parse("Filename: dists/x/InRelease\nSize: 1\nSHA256: " + SHA + "\n"));
    assertTrue(dists.getMessage().contains("points into dists/"));
  }

  @Test
  void aRequestIsCheckedWhenMade() throws IOException {
    Path keyring = Files.writeString(dir.resolve("keyring.gpg"), "key");
    RepositoryClone.Request request =
        new RepositoryClone.Request(
            URI.create("http://deb.debian.org/debian"),
            dir.resolve("clone"),
            keyring,
            List.of("bookworm", "bookworm"),
            List.of("main"),
            List.of("amd64"));
    assertEquals(URI.create("http://deb.debian.org/debian/"), request.source());
    assertEquals(List.of("bookworm"), request.suites());

    IllegalArgumentException scheme =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new RepositoryClone.Request(
                    URI.create("ftp://mirror/debian"),
                    dir.resolve("clone"),
                    keyring,
                    List.of("bookworm"),
                    List.of("main"),
                    List.of("amd64")));
    assertTrue(scheme.getMessage().contains("must be http://, https:// or file:"));

    IllegalArgumentException noKeyring =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new RepositoryClone.Request(
                    URI.create("http://mirror/debian"),
                    dir.resolve("clone"),
                    dir.resolve("missing.gpg"),
                    List.of("bookworm"),
                    List.of("main"),
                    List.of("amd64")));
    assertTrue(noKeyring.getMessage().contains("missing.gpg does not exist"));

    IllegalArgumentException suite =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new RepositoryClone.Request(
                    URI.create("http://mirror/debian"),
                    dir.resolve("clone"),
                    keyring,
                    List.of("../etc"),
                    List.of("main"),
                    List.of("amd64")));
    assertTrue(suite.getMessage().contains("suite '../etc' is not a plain name"));
  }
}
