package org.perestroika.worker.chroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.RecordingCommandRunner;
import org.perestroika.testing.TestingClock;
import org.perestroika.worker.container.FakeContainerRuntime;
import org.perestroika.worker.container.Ownership;

class ChrootStoreTest {
  private static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
  private static final Instant MAR = Instant.parse("2026-03-01T00:00:00Z");
  private static final String UPGRADE =
      "apt-get update && apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade"
          + " && apt-get clean";
  private static final CommandResult OK = new CommandResult(0, "", "");

  @TempDir Path tmp;

  private final TestingClock clock = new TestingClock(JAN);
  private final FakeContainerRuntime containers = new FakeContainerRuntime();
  private final ProcessCommandRunner real = new ProcessCommandRunner();
  private final RecordingCommandRunner runner = new RecordingCommandRunner(this::answer);
  private final List<String> progress = new ArrayList<>();
  private CommandResult debootstrap = OK;
  private Function<Command, CommandResult> inChroot = this::upgradeInPlace;
  private Path root;
  private ChrootStore store;

  @BeforeEach
  void store() throws IOException {
    root = tmp.toRealPath().resolve("chroots");
    store = new ChrootStore(root, runner, containers, clock);
  }

  @Test
  void createBootstrapsASnapshotAndMakesItCurrent() throws IOException {
    ChrootSnapshot snapshot = store.create(BOOKWORM, progress::add);

    Path partial = root.resolve("bookworm/20260101T000000Z.partial");
    assertEquals(
        List.of(
            Command.of(
                    "debootstrap",
                    "--variant=buildd",
                    "--include=fakeroot",
                    "bookworm",
                    partial.toString(),
                    "http://deb.debian.org/debian")
                .withTimeout(Duration.ofMinutes(30)),
            Command.of(
                    "chroot",
                    partial.toString(),
                    "/bin/sh",
                    "-c",
                    "apt-get update && apt-get clean")
                .withTimeout(Duration.ofMinutes(30))),
        runner.commands());
    Path done = root.resolve("bookworm/20260101T000000Z");
    assertEquals(new ChrootSnapshot("bookworm", "20260101T000000Z", done, JAN), snapshot);
    assertEquals("bookworm/20260101T000000Z", snapshot.label());
    assertEquals(Path.of("20260101T000000Z"), Files.readSymbolicLink(link()));
    assertEquals(Optional.of(snapshot), store.current("bookworm"));
    assertEquals("12.0\n", Files.readString(done.resolve("etc/debian_version")));
    assertEquals(List.of("20260101T000000Z", "current"), entries(root.resolve("bookworm")));
    assertEquals(List.of("debootstrap bookworm from http://deb.debian.org/debian"), progress);
  }

  @Test
  void createRefusesWhenTheDistHasAChroot() {
    store.create(BOOKWORM, progress::add);
    int commandsBefore = runner.commands().size();

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.create(BOOKWORM, progress::add));

    assertTrue(e.getMessage().contains("use `perestroika chroot update --dist bookworm`"));
    assertEquals(commandsBefore, runner.commands().size());
  }

  @Test
  void aFailedBootstrapLeavesNothingBehind() throws IOException {
    debootstrap = new CommandResult(1, "", "E: Couldn't download packages: libc6");

    CommandFailedException e =
        assertThrows(CommandFailedException.class, () -> store.create(BOOKWORM, progress::add));

    assertTrue(e.getMessage().contains("E: Couldn't download packages"), e.getMessage());
    assertEquals(List.of(), entries(root.resolve("bookworm")));
    assertEquals(Optional.empty(), store.current("bookworm"));
  }

  @Test
  void aFailedUpgradeKeepsTheOldSnapshotCurrentAndDropsTheCopy() throws IOException {
    ChrootSnapshot old = store.create(BOOKWORM, progress::add);
    clock.set(FEB);
    inChroot =
        command ->
            isUpgrade(command)
                ? new CommandResult(100, "", "E: Failed to fetch http://deb.debian.org/debian")
                : OK;

    CommandFailedException e =
        assertThrows(CommandFailedException.class, () -> store.update(BOOKWORM, progress::add));

    assertTrue(e.getMessage().contains("exited with 100"), e.getMessage());
    assertOnlySnapshotIs(old);
  }

  @Test
  void anUpgradeThatLeavesHalfInstalledPackagesIsRefused() throws IOException {
    ChrootSnapshot old = store.create(BOOKWORM, progress::add);
    clock.set(FEB);
    inChroot =
        command ->
            command.argv().contains("--audit")
                ? new CommandResult(
                    0,
                    "The following packages are only half configured:\n libc-bin  GNU C Library\n",
                    "")
                : upgradeInPlace(command);

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> store.update(BOOKWORM, progress::add));

    assertTrue(
        e.getMessage().startsWith("the upgraded chroot has half-installed packages; kept the old"),
        e.getMessage());
    assertTrue(e.getMessage().contains("libc-bin"), e.getMessage());
    assertFalse(e.retryable());
    assertOnlySnapshotIs(old);
  }

  @Test
  void anUpdateSwitchesToTheUpgradedCopyAndPrunesSnapshotsNoBuildUses() throws IOException {
    ChrootSnapshot january = store.create(BOOKWORM, progress::add);
    containers.withContainer(
        "a-running-build",
        Map.of(Ownership.BUILD_ID, "b-7", ChrootStore.CHROOT_LABEL, january.label()));

    clock.set(FEB);
    ChrootSnapshot february = store.update(BOOKWORM, progress::add);
    Path partial = root.resolve("bookworm/20260201T000000Z.partial");
    assertEquals(
        List.of(
            Command.of(
                "cp", "-a", "--reflink=auto", january.directory().toString(), partial.toString()),
            Command.of("chroot", partial.toString(), "/bin/sh", "-c", UPGRADE)
                .withEnvironment(Map.of("DEBIAN_FRONTEND", "noninteractive"))
                .withTimeout(Duration.ofMinutes(30)),
            Command.of("chroot", partial.toString(), "dpkg", "--audit")),
        runner.commands().subList(2, runner.commands().size()),
        "copy, upgrade and audit; nothing pruned while January serves a build");

    clock.set(MAR);
    int before = runner.commands().size();
    ChrootSnapshot march = store.update(BOOKWORM, progress::add);

    assertEquals("20260301T000000Z", march.id());
    assertEquals(MAR, march.createdAt());
    assertEquals(Optional.of(march), store.current("bookworm"));
    assertEquals(Path.of("20260301T000000Z"), Files.readSymbolicLink(link()));
    assertEquals(
        Command.of("rm", "-rf", "--one-file-system", february.directory().toString()),
        runner.commands().get(runner.commands().size() - 1));
    assertEquals(before + 4, runner.commands().size());
    assertTrue(progress.contains("removing unused snapshot bookworm/20260201T000000Z"));
    assertEquals(List.of(march, january), store.list());
    assertEquals(
        List.of("20260101T000000Z", "20260301T000000Z", "current"),
        entries(root.resolve("bookworm")));

    assertTrue(Files.exists(march.directory().resolve("etc/debian_version")), "copied");
    assertTrue(Files.exists(march.directory().resolve("upgraded")), "upgraded");
    assertFalse(Files.exists(january.directory().resolve("upgraded")), "never changed");
  }

  @Test
  void twoUpdatesInOneSecondGetDistinctIds() {
    store.create(BOOKWORM, progress::add);

    ChrootSnapshot next = store.update(BOOKWORM, progress::add);

    assertEquals("20260101T000001Z", next.id());
    assertEquals(JAN.plusSeconds(1), next.createdAt());
  }

  @Test
  void listShowsEverySnapshotNewestFirstWithinEachDist() throws IOException {
    for (String dir :
        List.of(
            "bookworm/20260101T000000Z",
            "bookworm/20260301T000000Z",
            "bookworm/20260201T000000Z",
            "bookworm/20260401T000000Z.partial",
            "bookworm/notes",
            "trixie/20260115T000000Z")) {
      Files.createDirectories(root.resolve(dir));
    }
    Files.createSymbolicLink(root.resolve("bookworm/current"), Path.of("20260301T000000Z"));

    assertEquals(
        List.of(
            "bookworm/20260301T000000Z",
            "bookworm/20260201T000000Z",
            "bookworm/20260101T000000Z",
            "trixie/20260115T000000Z"),
        store.list().stream().map(ChrootSnapshot::label).toList());
    assertEquals(Instant.parse("2026-01-15T00:00:00Z"), store.list().get(3).createdAt());
    assertEquals(root.resolve("trixie/20260115T000000Z"), store.list().get(3).directory());
  }

  @Test
  void listOfAStoreNeverUsedIsEmpty() {
    assertEquals(List.of(), store.list());
  }

  @Test
  void requireSaysHowToCreateAMissingChroot() {
    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> store.require("bullseye"));

    assertEquals(
        "there is no chroot for bullseye yet: run `perestroika chroot create --dist bullseye`"
            + " (or `perestroika setup`)",
        e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void aBrokenCurrentLinkSaysHowToRepairIt() throws IOException {
    Files.createDirectories(root.resolve("bookworm"));
    Files.createSymbolicLink(link(), Path.of("20250101T000000Z"));

    EnvironmentException e =
        assertThrows(EnvironmentException.class, () -> store.current("bookworm"));

    assertTrue(e.getMessage().contains("run `perestroika chroot update --dist bookworm`"));
  }

  @Test
  void sizeIsWhatDuCounts() throws IOException {
    Path dir = Files.createDirectories(root.resolve("bookworm/20260101T000000Z"));
    RecordingCommandRunner du =
        new RecordingCommandRunner(command -> new CommandResult(0, "314572800\t" + dir + "\n", ""));
    ChrootStore measured = new ChrootStore(root, du, containers, clock);

    long size = measured.sizeBytes(new ChrootSnapshot("bookworm", "20260101T000000Z", dir, JAN));

    assertEquals(314_572_800L, size);
    assertEquals(List.of("du -sb " + dir), du.commandLines());
  }

  /** Files move, copy and delete for real; debootstrap and chroot are acted out. */
  private CommandResult answer(Command command) {
    List<String> argv = command.argv();
    switch (argv.get(0)) {
      case "cp", "rm", "du":
        return real.run(command);
      case "debootstrap":
        try {
          Path target = Files.createDirectories(Path.of(argv.get(4)).resolve("etc"));
          Files.writeString(target.resolve("debian_version"), "12.0\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return debootstrap;
      case "chroot":
        return inChroot.apply(command);
      default:
        throw new AssertionError("unexpected command: " + command.display());
    }
  }

  /** An upgrade that marks the chroot it ran in; every other command in a chroot succeeds. */
  /** The upgrade step of an update, as opposed to the package list refresh of a create. */
  private static boolean isUpgrade(Command command) {
    return command.argv().get(command.argv().size() - 1).contains("dist-upgrade");
  }

  private CommandResult upgradeInPlace(Command command) {
    if (isUpgrade(command)) {
      try {
        Files.writeString(Path.of(command.argv().get(1)).resolve("upgraded"), "");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return OK;
  }

  private void assertOnlySnapshotIs(ChrootSnapshot old) throws IOException {
    assertEquals(Optional.of(old), store.current("bookworm"));
    assertEquals(List.of(old.id(), "current"), entries(root.resolve("bookworm")));
    assertEquals(List.of(old), store.list());
    assertFalse(Files.exists(old.directory().resolve("upgraded")));
  }

  private Path link() {
    return root.resolve("bookworm/current");
  }

  private static List<String> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
