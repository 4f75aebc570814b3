package org.perestroika.publisher.apt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.model.Release;

class DistributionsFileTest {
  private final AptRepositoryConfig config =
      AptRepositoryConfig.defaults(Path.of("/var/lib/perestroika/repos/debian"));

  @Test
  void matchesTheGoldenFile() throws IOException {
    assertEquals(
        Golden.read("golden/apt/conf-distributions"),
        DistributionsFile.render(
            config,
            DistributionsFile.codenames(List.of(new Release("mos10.0"), new Release("mos10.1")))));
  }

  @Test
  void readsBackTheReleasesItWrote() {
    List<Release> releases = List.of(new Release("mos10.0"), new Release("mos9.2"));
    assertEquals(
        releases,
        DistributionsFile.releases(
            DistributionsFile.render(config, DistributionsFile.codenames(releases)),
            "distributions"));
    assertEquals(List.of(), DistributionsFile.releases("", "distributions"));
  }

  @Test
  void aForeignCodenameIsAnError() {
    assertThrows(
        MalformedControlFileException.class,
        () -> DistributionsFile.releases("Codename: bookworm-weird\n", "distributions"));
  }

  @Test
  void codenamesAreEverySuiteOfEveryRelease() {
    assertEquals(
        List.of(
            "mos10.0",
            "mos10.0-proposed",
            "mos10.0-updates",
            "mos10.0-security",
            "mos10.0-holdback",
            "mos10.0-hotfix"),
        DistributionsFile.codenames(List.of(new Release("mos10.0"))));
  }

  @Test
  void aTestRepositorysConfListsOnlyTheSuitesPublishedToInReleaseAndSpecOrder() {
    List<String> one = DistributionsFile.withSuites(List.of(), List.of("mos10.0-proposed"));
    assertEquals(List.of("mos10.0-proposed"), one);
    String text = DistributionsFile.render(config, one);
    assertEquals(one, DistributionsFile.codenames(text, "distributions"));
    assertEquals(
        List.of("mos10.0", "mos10.0-proposed", "mos9.0-updates"),
        DistributionsFile.withSuites(
            DistributionsFile.codenames(text, "distributions"),
            List.of("mos9.0-updates", "mos10.0", "mos10.0-proposed")));
  }

  static final class Golden {
    private Golden() {}

    static String read(String resource) throws IOException {
      try (var in = DistributionsFileTest.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("no golden file " + resource + " on the test class path");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }
}
