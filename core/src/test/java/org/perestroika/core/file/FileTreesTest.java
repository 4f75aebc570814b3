package org.perestroika.core.file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void aTreeGoesButWhatItsLinksPointAtStays() throws IOException {
    Path outside = Files.writeString(tmp.resolve("outside"), "keep me");
    Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(tree.resolve("file"), "x");
    Files.createSymbolicLink(tmp.resolve("tree/link"), outside);
    Files.createSymbolicLink(tmp.resolve("tree/dirlink"), tmp);

    FileTrees.delete(tmp.resolve("tree"));

    assertFalse(Files.exists(tmp.resolve("tree")));
    assertTrue(Files.exists(outside));
  }

  @Test
  void aMissingPathAndASingleFileAreFine() throws IOException {
    FileTrees.delete(tmp.resolve("nothing"));
    Path file = Files.writeString(tmp.resolve("file"), "x");
    FileTrees.delete(file);
    assertFalse(Files.exists(file));
  }
}
