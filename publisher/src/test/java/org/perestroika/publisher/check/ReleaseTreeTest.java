package org.perestroika.publisher.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.model.Release;

/** Suites come from dists/, so ones the code does not know yet are checked too. */
class ReleaseTreeTest {
  @TempDir Path dir;

  @Test
  void aReleasesSuitesAreListedBaseFirstThenInTheSpecsOrderThenOthers() throws IOException {
    for (String codename :
        List.of(
            "mos10.0-updates",
            "mos10.0-hotfix",
            "mos10.0",
            "mos10.0-security",
            "mos10.0-proposed",
            "mos10.0-holdback",
            "mos10.0.1",
            "mos9.0",
            "mos9.0-updates",
            "bookworm")) {
      Files.createDirectories(dir.resolve("dists").resolve(codename));
    }

    ReleaseTree tree = ReleaseTree.open(dir);

    assertEquals(
        List.of(
            "mos10.0",
            "mos10.0-proposed",
            "mos10.0-updates",
            "mos10.0-security",
            "mos10.0-holdback",
            "mos10.0-hotfix"),
        tree.codenamesOf(new Release("mos10.0")));
    assertEquals(List.of("mos9.0", "mos9.0-updates"), tree.clientSuitesOf(new Release("mos9.0")));
    assertEquals(
        Set.of(new Release("mos10.0"), new Release("mos10.0.1"), new Release("mos9.0")),
        tree.releases());
  }

  @Test
  void aMissingTreeCannotBeChecked() {
    CheckException e =
        assertThrows(CheckException.class, () -> ReleaseTree.open(dir.resolve("debian")));

    assertEquals(
        "there is no published repository at "
            + dir.resolve("debian")
            + " (no dists/ directory): check --repo-root and --dist, or publish to it first",
        e.getMessage());
  }
}
