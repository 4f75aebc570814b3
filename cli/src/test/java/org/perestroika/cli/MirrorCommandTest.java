package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to `perestroika mirror` is an error that says what is wrong, before any work. */
class MirrorCommandTest {
  @RegisterExtension final CapturedOutput output = new CapturedOutput();
  @TempDir Path dir;

  private void assertFails(String message, String... args) {
    int code = Main.run(args);
    String err = this.output.err();
    assertEquals(Main.ERROR, code, err);
    assertTrue(err.contains(message), err);
  }

  @Test
  void aDestinationRsyncWouldMisreadIsRefused() {
    assertFails(
        "write an rsync daemon module as rsync://host/module, not host::module",
        "mirror",
        "sync",
        "--to",
        "mirror::mos",
        "--repo-root",
        dir.toString());
  }

  @Test
  void aNegativeRetentionIsRefused() {
    assertFails(
        "--keep-days must be 0 or more, got -1",
        "mirror",
        "sync",
        "--to",
        dir.resolve("mirror").toString(),
        "--keep-days",
        "-1");
  }

  @Test
  void aRepositoryRootWithNothingPublishedIsRefused() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("repos"));
    assertFails(
        "nothing to mirror: " + empty,
        "mirror",
        "sync",
        "--to",
        dir.resolve("mirror").toString(),
        "--repo-root",
        empty.toString());
  }

  @Test
  void aCloneNeedsAUrlItCanReadAndAKeyring() throws IOException {
    Path keyring = Files.writeString(dir.resolve("keyring.gpg"), "key");
    assertFails(
        "must be http://, https:// or file:",
        "mirror",
        "clone",
        "--from",
        "ftp://mirror/debian",
        "--to",
        dir.resolve("clone").toString(),
        "--keyring",
        keyring.toString());
    assertFails(
        "does not exist: give the repository's public keyring",
        "mirror",
        "clone",
        "--from",
        "http://127.0.0.1:1/debian",
        "--to",
        dir.resolve("clone").toString(),
        "--keyring",
        dir.resolve("missing.gpg").toString());
    assertFails(
        "Missing required option: '--keyring=<keyring>'",
        "mirror",
        "clone",
        "--from",
        "http://127.0.0.1:1/debian",
        "--to",
        dir.resolve("clone").toString());
  }
}
