package org.perestroika.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The records a build is asked and answered with: Dist, BuildRequest, BuildResult, Artifact. */
class BuildValuesTest {
  private static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  private static final BuildResult.Timings NO_TIME =
      new BuildResult.Timings(Optional.empty(), Optional.empty(), Duration.ZERO);

  @ParameterizedTest
  @ValueSource(strings = {"hello-1", "a", "review-1234.5_x", "A1"})
  void buildIdsAreShortWordsSafeInPathsAndLabels(String id) {
    assertEquals(id, request(id).buildId());
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"-rf", ".hidden", "a/b", "a b", "ü", "a\n"})
  void otherBuildIdsAreRefused(String id) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request(id));

    assertEquals("build id '" + id + "' must be [A-Za-z0-9_.-]", e.getMessage());
  }

  @Test
  void buildIdsAreAtMostSixtyFourCharacters() {
    assertEquals(64, request("x".repeat(64)).buildId().length());
    assertThrows(IllegalArgumentException.class, () -> request("x".repeat(65)));
  }

  @Test
  void distNamesAndFamiliesAreLowerCaseWords() {
    assertEquals(
        "centos-7",
        new Dist("centos7", "centos-7", PackageFormat.RPM, URI.create("http://x")).family());
    assertEquals(
        "dist name 'Bookworm' must be lower-case letters",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Dist("Bookworm", "debian", PackageFormat.DEB, URI.create("http://x")))
            .getMessage());
    assertEquals(
        "dist jammy: family 'Ubuntu' must be lower-case letters",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Dist("jammy", "Ubuntu", PackageFormat.DEB, URI.create("http://x")))
            .getMessage());
  }

  @Test
  void aSuccessfulResultMustNameWhatItProduced() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new BuildResult(
                    "b",
                    BuildStatus.SUCCEEDED,
                    Optional.empty(),
                    List.of(),
                    Path.of("b.build"),
                    List.of(),
                    NO_TIME));

    assertEquals(
        "a successful build must name what it produced: its .changes file or its artifacts",
        e.getMessage());
  }

  @Test
  void aResultKeepsItsOwnCopiesOfItsLists() {
    List<String> excerpt = new ArrayList<>(List.of("error: x"));
    BuildResult result =
        new BuildResult(
            "b",
            BuildStatus.FAILED,
            Optional.empty(),
            List.of(),
            Path.of("b.build"),
            excerpt,
            NO_TIME);
    excerpt.add("later");

    assertEquals(List.of("error: x"), result.failureExcerpt());
    assertFalse(result.succeeded());
    assertThrows(UnsupportedOperationException.class, () -> result.failureExcerpt().add("x"));
  }

  @Test
  void statusesReadAsWords() {
    assertEquals("succeeded", BuildStatus.SUCCEEDED.word());
    assertEquals("timed out", BuildStatus.TIMED_OUT.word());
    assertTrue(
        new BuildResult(
                "b",
                BuildStatus.SUCCEEDED,
                Optional.of(Path.of("b.changes")),
                List.of(),
                Path.of("b.build"),
                List.of(),
                NO_TIME)
            .succeeded());
  }

  @Test
  void anArtifactCarriesALowerCaseSha256AndASize() {
    Artifact artifact = new Artifact(Path.of("/out/hello_1.0_amd64.deb"), "ab".repeat(32), 1200);

    assertEquals("hello_1.0_amd64.deb", artifact.fileName());
    assertThrows(
        IllegalArgumentException.class, () -> new Artifact(Path.of("x.deb"), "AB".repeat(32), 1));
    assertThrows(
        IllegalArgumentException.class, () -> new Artifact(Path.of("x.deb"), "ab".repeat(31), 1));
    assertThrows(
        IllegalArgumentException.class, () -> new Artifact(Path.of("x.deb"), "ab".repeat(32), -1));
    assertThrows(
        IllegalArgumentException.class, () -> new Artifact(Path.of("/"), "ab".repeat(32), 1));
  }

  private static BuildRequest request(String id) {
    return new BuildRequest(
        id, Path.of("hello"), BOOKWORM, BuildLimits.DEFAULTS, Path.of("out"), Optional.empty());
  }
}
