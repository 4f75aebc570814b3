package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.testing.RecordingCommandRunner;
import org.perestroika.testing.TestingClock;

/** The exact rsync command lines of a sync, against a scripted mirror. */
class MirrorSyncTest {
  private static final String MIRROR = "rsync://127.0.0.1:8873/mos";
  private static final String LIST =
      "rsync --list-only --links --recursive --filter=- /.snapshots/*/* --filter=+ /.snapshots/*"
          + " --filter=- /*/* --contimeout=30 --timeout=300 "
          + MIRROR
          + "/";
  private static final String STATS =
      "Number of files: 12 (reg: 8, dir: 4)\n"
          + "Number of regular files transferred: 3\n"
          + "Total file size: 1,234,567 bytes\n"
          + "Literal data: 45,678 bytes\n"
          + "Matched data: 0 bytes\n"
          + "Total bytes sent: 48,213\n"
          + "Total bytes received: 512\n";

  @TempDir Path dir;
  private Path root;
  private final TestingClock clock = TestingClock.at("2026-11-21T12:00:00Z");
  private final List<String> said = new ArrayList<>();
  private String listing;
  private CommandResult transferAnswer = new CommandResult(0, STATS, "");

  @BeforeEach
  void publish() throws IOException {
    root = dir.resolve("repos");
    for (String family : List.of("debian", "ubuntu")) {
      new SnapshotStore(root.resolve(family), Set.of(), Set.of(), 3, Duration.ofSeconds(5))
          .update(
              snapshot -> {
                Files.createDirectories(snapshot.publicDir().resolve("dists"));
                return SnapshotStore.Outcome.commit(null);
              });
    }
    // Test repositories and plain files beside the families are not mirrored.
    Files.createDirectories(root.resolve("review/CR-1/debian"));
    Files.writeString(root.resolve("README"), "not a tree");
  }

  private RecordingCommandRunner runner() {
    return new RecordingCommandRunner(this::answer);
  }

  private CommandResult answer(Command command) {
    List<String> argv = command.argv();
    if (argv.contains("--list-only") && argv.get(argv.size() - 1).endsWith("/.served/")) {
      return new CommandResult(0, "drwxr-xr-x 4,096 2026/11/21 12:00:00 .\n", "");
    }
    if (argv.contains("--list-only")) {
      return listing == null
          ? new CommandResult(
              23,
              "",
              "rsync: [sender] change_dir \"/mos\" (in mos) failed: No such file or directory (2)")
          : new CommandResult(0, listing, "");
    }
    if (argv.contains("--stats")) {
      return transferAnswer;
    }
    return new CommandResult(0, "", "");
  }

  private MirrorSync.Result sync(RecordingCommandRunner runner, String mirror) {
    return new MirrorSync(runner, clock, said::add)
        .sync(root, MirrorDestination.parse(mirror), Duration.ofDays(7));
  }

  private String transfer(String family, String id, Optional<String> linkDest) {
    return "rsync --archive --hard-links --copy-dirlinks --modify-window=-1 --delete --partial-dir=.rsync-partial"
        + " --mkpath --stats "
        + linkDest.map(p -> "--link-dest=../../" + p + "/" + family + " ").orElse("")
        + "--contimeout=30 --timeout=300 "
        + root.resolve("." + family + ".snapshots/000001/public")
        + "/ "
        + MIRROR
        + "/.snapshots/"
        + id
        + "/"
        + family
        + "/";
  }

  private List<String> probe(String id) {
    return List.of(
        "rsync --links --contimeout=30 --timeout=300 "
            + root.resolve(".mirror/probe/.served")
            + " "
            + MIRROR
            + "/.snapshots/"
            + id
            + "/",
        "rsync --list-only --contimeout=30 --timeout=300 "
            + MIRROR
            + "/.snapshots/"
            + id
            + "/.served/");
  }

  private String switchTo() {
    return "rsync --links --contimeout=30 --timeout=300 "
        + root.resolve(".mirror/links/debian")
        + " "
        + root.resolve(".mirror/links/ubuntu")
        + " "
        + MIRROR
        + "/";
  }

  @Test
  void theFirstSyncSendsEveryTreeThenLinksThem() throws IOException {
    RecordingCommandRunner runner = runner();

    MirrorSync.Result result = sync(runner, MIRROR);

    String id = "20261121T120000Z";
    assertEquals(
        List.of(
            LIST,
            transfer("debian", id, Optional.empty()),
            transfer("ubuntu", id, Optional.empty()),
            probe(id).get(0),
            probe(id).get(1),
            switchTo()),
        runner.commandLines());
    assertEquals(
        Path.of(".snapshots/" + id + "/debian"),
        Files.readSymbolicLink(root.resolve(".mirror/links/debian")));
    assertEquals(id, result.snapshot());
    assertFalse(result.resumed());
    assertEquals(2 * 48_213, result.bytesSent());
    assertEquals(
        new MirrorSync.Transfer(
            "debian", root.resolve(".debian.snapshots/000001"), 48_213, 45_678, 3),
        result.transfers().get(0));
    assertEquals(List.of(), result.deleted());
    assertTrue(said.get(0).contains("it serves nothing yet"), said.toString());
  }

  @Test
  void anUpdateLinksToTheCurrentSnapshotAndDeletesWhatStoppedBeingServedLongAgo() {
    listing =
        """
        drwxr-xr-x          4,096 2026/11/21 11:00:00 .
        lrwxrwxrwx             33 2026/11/20 12:00:00 debian -> .snapshots/20261120T120000Z/debian
        lrwxrwxrwx             33 2026/11/20 12:00:00 ubuntu -> .snapshots/20261120T120000Z/ubuntu
        drwxr-xr-x          4,096 2026/11/20 12:00:00 .snapshots
        drwxr-xr-x          4,096 2026/11/01 12:00:00 .snapshots/20261101T120000Z
        drwxr-xr-x          4,096 2026/11/10 12:00:00 .snapshots/20261110T120000Z
        drwxr-xr-x          4,096 2026/11/12 12:00:00 .snapshots/20261112T120000Z
        drwxr-xr-x          4,096 2026/11/20 12:00:00 .snapshots/20261120T120000Z
        -rw-r--r--             12 2026/11/20 12:00:00 .snapshots/notes.txt
        drwxr-xr-x          4,096 2026/11/20 12:00:00 other
        """;
    RecordingCommandRunner runner = runner();

    MirrorSync.Result result = sync(runner, MIRROR);

    String id = "20261121T120000Z";
    String current = "20261120T120000Z";
    // 1101 stopped being served on 1110 and 1110 on 1112: both over seven days ago. 1112 was
    // replaced by the current one a day ago; the current one is now the previous one.
    assertEquals(
        List.of(
            LIST,
            transfer("debian", id, Optional.of(current)),
            transfer("ubuntu", id, Optional.of(current)),
            probe(id).get(0),
            probe(id).get(1),
            switchTo(),
            "rsync --recursive --delete --include=/20261101T120000Z/***"
                + " --include=/20261110T120000Z/*** --exclude=* --contimeout=30 --timeout=300 "
                + root.resolve(".mirror/empty")
                + "/ "
                + MIRROR
                + "/.snapshots/"),
        runner.commandLines());
    assertEquals(List.of("20261101T120000Z", "20261110T120000Z"), result.deleted());
    assertTrue(said.get(0).contains("it serves .snapshots/" + current), said.toString());
  }

  @Test
  void anInterruptedTransferIsResumedIntoTheSameSnapshot() {
    listing =
        """
        lrwxrwxrwx             33 2026/11/20 12:00:00 debian -> .snapshots/20261120T120000Z/debian
        lrwxrwxrwx             33 2026/11/20 12:00:00 ubuntu -> .snapshots/20261120T120000Z/ubuntu
        drwxr-xr-x          4,096 2026/11/20 12:00:00 .snapshots
        drwxr-xr-x          4,096 2026/11/19 12:00:00 .snapshots/20261119T120000Z
        drwxr-xr-x          4,096 2026/11/20 12:00:00 .snapshots/20261120T120000Z
        drwxr-xr-x          4,096 2026/11/21 09:00:00 .snapshots/20261121T090000Z
        drwxr-xr-x          4,096 2026/11/21 10:00:00 .snapshots/20261121T100000Z
        """;
    RecordingCommandRunner runner = runner();

    MirrorSync.Result result = sync(runner, MIRROR);

    String resumed = "20261121T100000Z";
    String current = "20261120T120000Z";
    assertEquals(
        List.of(
            LIST,
            transfer("debian", resumed, Optional.of(current)),
            transfer("ubuntu", resumed, Optional.of(current)),
            probe(resumed).get(0),
            probe(resumed).get(1),
            switchTo(),
            "rsync --recursive --delete --include=/20261121T090000Z/*** --exclude=*"
                + " --contimeout=30 --timeout=300 "
                + root.resolve(".mirror/empty")
                + "/ "
                + MIRROR
                + "/.snapshots/"),
        runner.commandLines());
    assertTrue(result.resumed());
    assertEquals(resumed, result.snapshot());
    assertTrue(said.get(0).startsWith("resuming the interrupted transfer"), said.toString());
  }

  @Test
  void aMirrorThatGoesAwayMidTransferLeavesTheOldSnapshotServed() {
    listing =
        "lrwxrwxrwx 33 2026/11/20 12:00:00 debian -> .snapshots/20261120T120000Z/debian\n"
            + "drwxr-xr-x 4,096 2026/11/20 12:00:00 .snapshots/20261120T120000Z\n";
    transferAnswer =
        new CommandResult(
            12,
            "",
            "rsync: [sender] write error: Broken pipe (32)\n"
                + "rsync error: error in rsync protocol data stream (code 12) at io.c(848)");
    RecordingCommandRunner runner = runner();

    MirrorException e = assertThrows(MirrorException.class, () -> sync(runner, MIRROR));

    assertTrue(e.getMessage().startsWith("mirror sync to " + MIRROR + " failed"), e.getMessage());
    assertTrue(e.getMessage().contains("the connection broke off: the mirror went away"));
    assertTrue(e.getMessage().contains("Broken pipe"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                MIRROR
                    + " still serves its previous snapshot .snapshots/20261120T120000Z:"
                    + " nothing was switched"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Run the same command again"), e.getMessage());
    assertEquals(2, runner.commandLines().size(), "no switch after a failed transfer");
  }

  @Test
  void anUnreachableMirrorChangesNothing() {
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command ->
                new CommandResult(
                    10,
                    "",
                    "rsync: failed to connect to 127.0.0.1 (127.0.0.1): Connection refused (111)"));

    MirrorException e = assertThrows(MirrorException.class, () -> sync(runner, MIRROR));

    assertTrue(
        e.getMessage()
            .startsWith("cannot reach mirror " + MIRROR + ": could not connect to the mirror"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    assertTrue(e.getMessage().contains("Nothing was changed on the mirror"), e.getMessage());
    assertEquals(List.of(LIST), runner.commandLines());
  }

  @Test
  void refusesToReplaceADirectoryOrAForeignLinkOnTheMirror() {
    listing = "drwxr-xr-x 4,096 2026/11/20 12:00:00 debian\n";
    MirrorException directory = assertThrows(MirrorException.class, () -> sync(runner(), MIRROR));
    assertTrue(
        directory
            .getMessage()
            .contains(
                MIRROR + "/debian exists and is not a link to a snapshot made by perestroika"),
        directory.getMessage());

    listing = "lrwxrwxrwx 20 2026/11/20 12:00:00 ubuntu -> .snapshots/20261120T120000Z/debian\n";
    MirrorException crossed = assertThrows(MirrorException.class, () -> sync(runner(), MIRROR));
    assertTrue(
        crossed.getMessage().contains("links to .snapshots/20261120T120000Z/debian, not to"),
        crossed.getMessage());
  }

  @Test
  void aDaemonThatMungesLinksIsRefusedBeforeTheSwitch() {
    RecordingCommandRunner runner =
        new RecordingCommandRunner(
            command ->
                command.argv().contains("--list-only")
                        && command.argv().get(command.argv().size() - 1).endsWith("/.served/")
                    ? new CommandResult(
                        23,
                        "",
                        "rsync: [sender] change_dir \".snapshots/20261121T120000Z/.served\" (in mos)"
                            + " failed: Too many levels of symbolic links (40)")
                    : answer(command));

    MirrorException e = assertThrows(MirrorException.class, () -> sync(runner, MIRROR));

    assertTrue(e.getMessage().contains("set `munge symlinks = no`"), e.getMessage());
    assertTrue(e.getMessage().contains("Nothing was switched"), e.getMessage());
    assertFalse(
        runner.commandLines().stream().anyMatch(line -> line.equals(switchTo())),
        runner.commandLines().toString());
  }

  @Test
  void overSshRsyncNeverPromptsAndTimesOut() {
    RecordingCommandRunner runner = runner();

    sync(runner, "deploy@mirror:/srv/mos");

    String remote = "--rsh=ssh -o BatchMode=yes -o ConnectTimeout=30 --timeout=300 ";
    assertTrue(
        runner.commandLines().get(0).endsWith(remote + "deploy@mirror:/srv/mos/"),
        runner.commandLines().get(0));
    assertTrue(
        runner
            .commandLines()
            .get(1)
            .endsWith(
                remote
                    + root.resolve(".debian.snapshots/000001/public")
                    + "/ deploy@mirror:/srv/mos/.snapshots/20261121T120000Z/debian/"),
        runner.commandLines().get(1));
  }

  @Test
  void twoSyncsWithinASecondGetDistinctSnapshots() {
    listing =
        "lrwxrwxrwx 33 2026/11/21 12:00:00 debian -> .snapshots/20261121T120000Z/debian\n"
            + "lrwxrwxrwx 33 2026/11/21 12:00:00 ubuntu -> .snapshots/20261121T120000Z/ubuntu\n"
            + "drwxr-xr-x 4,096 2026/11/21 12:00:00 .snapshots/20261121T120000Z\n";

    MirrorSync.Result result = sync(runner(), MIRROR);

    assertEquals("20261121T120001Z", result.snapshot());
  }

  @Test
  void anEmptyRepositoryRootIsAnError() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    MirrorException e =
        assertThrows(
            MirrorException.class,
            () ->
                new MirrorSync(runner(), clock, said::add)
                    .sync(empty, MirrorDestination.parse(MIRROR), Duration.ofDays(7)));
    assertTrue(e.getMessage().startsWith("nothing to mirror: " + empty), e.getMessage());
  }

  @Test
  void thePinsAreReleasedAfterTheSync() throws IOException {
    sync(runner(), MIRROR);
    SnapshotStore store =
        new SnapshotStore(root.resolve("debian"), Set.of(), Set.of(), 1, Duration.ZERO);
    for (int i = 0; i < 2; i++) {
      store.update(snapshot -> SnapshotStore.Outcome.commit(null));
    }
    assertFalse(Files.exists(root.resolve(".debian.snapshots/000001")));
  }
}
