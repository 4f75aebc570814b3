package org.perestroika.core.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.perestroika.core.gerrit.GerritEvent.ChangeAbandoned;
import org.perestroika.core.gerrit.GerritEvent.ChangeMerged;
import org.perestroika.core.gerrit.GerritEvent.CommentAdded;
import org.perestroika.core.gerrit.GerritEvent.PatchsetCreated;
import org.perestroika.core.gerrit.GerritEvent.RefUpdated;
import org.perestroika.core.gerrit.GerritEvent.Unsupported;

/** Events as Gerrit writes them, from sample files in src/test/resources/gerrit. */
class GerritEventsTest {
  private static final String NGINX_ID = "I8d3e7f2a1b9c4d5e6f708192a3b4c5d6e7f80912";
  private static final Account IRINA =
      new Account(
          Optional.of("Irina Petrova"),
          Optional.of("ipetrova@example.org"),
          Optional.of("ipetrova"));
  private static final Account OLEG =
      new Account(
          Optional.of("Oleg Smirnov"),
          Optional.of("osmirnov@example.org"),
          Optional.of("osmirnov"));
  private static final ChangeRef NGINX_PS2 =
      new ChangeRef(
          12345,
          NGINX_ID,
          "packages/nginx",
          "mos10.0",
          Optional.of("nginx-1.26"),
          2,
          "refs/changes/45/12345/2",
          "3f9c2d41a7be0c5e8f61d2b4a9e07c13d5f8b260");

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of(
            "patchset-created.json",
            new PatchsetCreated(Instant.ofEpochSecond(1718010000), NGINX_PS2, Optional.of(IRINA))),
        Arguments.of(
            "patchset-created-gerrit-2.x.json",
            new PatchsetCreated(
                Instant.ofEpochSecond(1400000001),
                new ChangeRef(
                    7,
                    "I0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d",
                    "packages/python-requests",
                    "master",
                    Optional.empty(),
                    1,
                    "refs/changes/07/7/1",
                    "0123456789abcdef0123456789abcdef01234567"),
                Optional.of(
                    new Account(Optional.empty(), Optional.empty(), Optional.of("perestroika"))))),
        Arguments.of(
            "comment-added.json",
            new CommentAdded(
                Instant.ofEpochSecond(1718010300), NGINX_PS2, OLEG, "Patch Set 2:\n\nrecheck")),
        Arguments.of(
            "change-merged.json",
            new ChangeMerged(
                Instant.ofEpochSecond(1718030000),
                new ChangeRef(
                    12345,
                    NGINX_ID,
                    "packages/nginx",
                    "mos10.0",
                    Optional.empty(),
                    3,
                    "refs/changes/45/12345/3",
                    "5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928"),
                Optional.of(OLEG),
                Optional.of("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"))),
        Arguments.of(
            "change-abandoned.json",
            new ChangeAbandoned(
                Instant.ofEpochSecond(1718050000),
                new ChangeRef(
                    12400,
                    "I1111111111111111111111111111111111111111",
                    "packages/nginx",
                    "mos10.0",
                    Optional.of("nginx-1.26"),
                    1,
                    "refs/changes/00/12400/1",
                    "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"),
                Optional.of(IRINA),
                Optional.of("Superseded by the 1.26.2 update"))),
        Arguments.of(
            "ref-updated.json",
            new RefUpdated(
                Instant.ofEpochSecond(1718030001),
                "packages/nginx",
                "refs/heads/mos10.0",
                "a01b2c3d4e5f60718293a4b5c6d7e8f901234567",
                "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
                Optional.of(
                    new Account(
                        Optional.of("Release Manager"),
                        Optional.of("releases@example.org"),
                        Optional.of("releases"))))),
        Arguments.of(
            "ref-updated-branch-created-gerrit-2.x.json",
            new RefUpdated(
                Instant.ofEpochSecond(1400000500),
                "packages/nginx",
                "refs/heads/mos10.1",
                "0000000000000000000000000000000000000000",
                "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
                Optional.of(
                    new Account(
                        Optional.of("Administrator"),
                        Optional.of("admin@example.org"),
                        Optional.empty())))),
        Arguments.of(
            "topic-changed.json",
            new Unsupported(Instant.ofEpochSecond(1718010100), "topic-changed")),
        Arguments.of(
            "reviewer-added.json",
            new Unsupported(Instant.ofEpochSecond(1718010200), "reviewer-added")),
        Arguments.of(
            "dropped-output.json",
            new Unsupported(Instant.ofEpochSecond(1718010400), "dropped-output")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void parsesSample(String file, GerritEvent expected) {
    GerritEvent event = GerritEvents.parse(read(file));

    assertEquals(expected, event);
    assertEquals(expected.type(), event.type());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          truncated.json                 | Gerrit event is not JSON (Unexpected end-of-input
          not-json.json                  | Gerrit event is not JSON (Unrecognized token 'ssh'
          two-events.json                | Gerrit event is not JSON (Trailing token
          array.json                     | Gerrit event is not a JSON object: [{"type":
          no-type.json                   | Gerrit event: type missing
          no-created-on.json             | ref-updated event: eventCreatedOn missing
          created-on-not-a-number.json   | topic-changed event: eventCreatedOn is not a whole number: "yesterday"
          no-patchset.json               | patchset-created event: patchSet missing
          no-revision.json               | patchset-created event: patchSet.revision missing
          revision-not-a-commit.json     | patchset-created event: change 12345: revision 'HEAD' is not a commit id
          ref-of-another-change.json     | patchset-created event: change 12345: ref 'refs/changes/46/12346/2' is not refs/changes/45/12345/2
          comment-without-author.json    | comment-added event: author missing
          change-number-fraction.json    | comment-added event: change.number is not a whole number: 12.5
          change-id-not-a-change-id.json | change-merged event: change 12345: Change-Id '12345' must be I and 40 hex digits
          """)
  void refusesMalformedEvent(String file, String message) {
    MalformedEventException e =
        assertThrows(
            MalformedEventException.class, () -> GerritEvents.parse(read("malformed/" + file)));

    assertTrue(
        e.getMessage().startsWith(message.strip()),
        () -> "message was: " + e.getMessage() + "\nexpected to start with: " + message);
  }

  @Test
  void refusesEmptyLines() {
    assertEquals(
        "Gerrit event is empty",
        assertThrows(MalformedEventException.class, () -> GerritEvents.parse(" \n")).getMessage());
    assertThrows(MalformedEventException.class, () -> GerritEvents.parse(null));
  }

  @Test
  void messagesQuoteOnlyTheStartOfALongLine() {
    String line = "{\"type\": " + "x".repeat(500);

    String message =
        assertThrows(MalformedEventException.class, () -> GerritEvents.parse(line)).getMessage();

    assertTrue(message.endsWith("xxx..."), message);
    assertTrue(message.length() < 300, message);
  }

  @Test
  void emptyTopicsAndReasonsAreAbsent() {
    String line =
        read("change-abandoned.json")
            .replace("\"topic\": \"nginx-1.26\"", "\"topic\": \"\"")
            .replace("\"Superseded by the 1.26.2 update\"", "\"\"");

    ChangeAbandoned event = (ChangeAbandoned) GerritEvents.parse(line);

    assertEquals(Optional.empty(), event.change().topic());
    assertEquals(Optional.empty(), event.reason());
  }

  @Test
  void accountsNamingNobodyAreAbsent() {
    String line =
        read("patchset-created-gerrit-2.x.json").replace("{\"username\":\"perestroika\"}", "{}");

    assertEquals(Optional.empty(), ((PatchsetCreated) GerritEvents.parse(line)).uploader());
  }

  @Test
  void refUpdatesTellCreationDeletionAndBranch() {
    RefUpdated created =
        (RefUpdated) GerritEvents.parse(read("ref-updated-branch-created-gerrit-2.x.json"));
    RefUpdated moved = (RefUpdated) GerritEvents.parse(read("ref-updated.json"));

    assertTrue(created.created());
    assertEquals(Optional.of("mos10.1"), created.branch());
    assertEquals(false, moved.created());
    assertEquals(false, moved.deleted());
    assertEquals(
        Optional.empty(),
        new RefUpdated(
                Instant.EPOCH,
                "p",
                "refs/tags/v1",
                "0".repeat(40),
                "a".repeat(40),
                Optional.empty())
            .branch());
  }

  @Test
  void changeRefsNameThemselvesAsGerritPeopleDo() {
    assertEquals("12345,2", NGINX_PS2.label());
    assertEquals("refs/changes/07/7/1", ChangeRef.expectedRef(7, 1));
    assertEquals("refs/changes/00/100/12", ChangeRef.expectedRef(100, 12));
  }

  @Test
  void changeRefsRefuseLongBranchNamesAndBlankTopics() {
    assertEquals(
        "change 1: branch 'refs/heads/master' must be a short name such as master",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new ChangeRef(
                        1,
                        NGINX_ID,
                        "p",
                        "refs/heads/master",
                        Optional.empty(),
                        1,
                        "refs/changes/01/1/1",
                        "a".repeat(40)))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ChangeRef(
                1,
                NGINX_ID,
                "p",
                "master",
                Optional.of(" "),
                1,
                "refs/changes/01/1/1",
                "a".repeat(64)));
  }

  @Test
  void accountsShowTheUserNameFirst() {
    assertEquals("ipetrova", IRINA.display());
    assertEquals(
        "Administrator",
        new Account(Optional.of("Administrator"), Optional.of("a@x"), Optional.empty()).display());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Account(Optional.empty(), Optional.empty(), Optional.empty()));
  }

  private static String read(String file) {
    try (InputStream in = GerritEventsTest.class.getResourceAsStream("/gerrit/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no test resource gerrit/" + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
