package org.perestroika.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.perestroika.testing.TestingClock;

/**
 * What every {@link BuildStore} must do, run against each implementation by a subclass that says
 * how to open (and reopen) the store on a fresh database of its own per test.
 */
abstract class BuildStoreContract {
  private static final int THREADS = 8;
  private static final String SERVER = "gerrit.example.org";

  protected final TestingClock clock = TestingClock.at("2026-03-01T10:00:00.123456789Z");
  private final List<BuildStore> opened = new ArrayList<>();

  /** Opens the store on this test's database; a second call opens the same database again. */
  protected abstract BuildStore open(TestingClock clock);

  private BuildStore store() {
    BuildStore store = open(clock);
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    opened.forEach(BuildStore::close);
  }

  @Test
  void enqueueRecordsAQueuedBuildWithEveryFieldAsGiven() {
    BuildStore store = store();
    NewBuild review = Builds.review(SERVER, 4242, 3);
    BuildRecord queued = store.enqueue(review, "/srv/mirror/review/4242");

    assertEquals("b" + queued.id(), queued.buildId());
    assertEquals(BuildState.QUEUED, queued.state());
    assertEquals(Instant.parse("2026-03-01T10:00:00.123Z"), queued.createdAt());
    assertEquals(queued, store.get(queued.id()).orElseThrow());
    assertEquals(review, store.get(queued.id()).orElseThrow().request());

    NewBuild manual = Builds.manual("abc1234");
    BuildRecord other = store.enqueue(manual, "");
    BuildRecord read = store.getByBuildId(other.buildId()).orElseThrow();
    assertEquals(other, read);
    assertEquals("", read.repository());
    assertEquals(Optional.empty(), read.request().change());
    assertEquals(manual.specCommit(), read.request().specCommit());
    assertTrue(other.id() > queued.id());
  }

  @Test
  void unknownAndMalformedIdsFindNothing() {
    BuildStore store = store();
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    assertEquals(Optional.empty(), store.get(build.id() + 1000));
    for (String id : List.of("b0", "b0" + build.id(), "B" + build.id(), "42", "b", "b-1", "")) {
      assertEquals(Optional.empty(), store.getByBuildId(id), id);
    }
    assertEquals(Optional.empty(), store.getByBuildId("b99999999999999999999999"));
  }

  @Test
  void recentListsTheNewestFirst() {
    BuildStore store = store();
    List<BuildRecord> builds =
        IntStream.range(0, 5)
            .mapToObj(i -> store.enqueue(Builds.review(SERVER, i, 1), ""))
            .toList();
    assertEquals(
        List.of(builds.get(4), builds.get(3), builds.get(2)),
        store.recent(3).stream()
            .map(BuildRecord::id)
            .map(id -> store.get(id).orElseThrow())
            .toList());
    assertEquals(5, store.recent(100).size());
    assertEquals(List.of(), store.recent(0));
  }

  @Test
  void activeForChangeListsQueuedAndRunningBuildsOfThatChangeOnThatServer() {
    BuildStore store = store();
    BuildRecord queued = store.enqueue(Builds.review(SERVER, 7, 1), "");
    BuildRecord running = store.enqueue(Builds.review(SERVER, 7, 2), "");
    BuildRecord finished = store.enqueue(Builds.review(SERVER, 7, 3), "");
    store.enqueue(Builds.review(SERVER, 8, 1), "");
    store.enqueue(Builds.review("other.example.org", 7, 1), "");
    assertTrue(store.start(running.id(), clock.instant()));
    assertTrue(
        store.finish(finished.id(), BuildState.FAILED, clock.instant(), Optional.empty(), ""));

    assertEquals(
        List.of(queued.id(), running.id()),
        store.activeForChange(SERVER, 7).stream().map(BuildRecord::id).toList());
    assertEquals(List.of(), store.activeForChange(SERVER, 9));
  }

  @Test
  void hasBuildForMatchesTheServerTheChangeThePatchSetAndTheTriggerInAnyState() {
    BuildStore store = store();
    assertFalse(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.REVIEW));

    BuildRecord review = store.enqueue(Builds.review(SERVER, 7, 2), "review/CR-7");
    assertTrue(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.REVIEW));
    assertFalse(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.MERGE));
    assertFalse(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.MANUAL));
    assertFalse(store.hasBuildFor(SERVER, 7, 1, BuildTrigger.REVIEW));
    assertFalse(store.hasBuildFor(SERVER, 7, 3, BuildTrigger.REVIEW));
    assertFalse(store.hasBuildFor(SERVER, 2, 7, BuildTrigger.REVIEW));
    assertFalse(store.hasBuildFor("other.example.org", 7, 2, BuildTrigger.REVIEW));

    NewBuild r = Builds.review(SERVER, 7, 2);
    store.enqueue(
        new NewBuild(
            BuildTrigger.MERGE,
            r.gerritServer(),
            r.change(),
            r.patchset(),
            r.project(),
            r.branch(),
            r.customer(),
            r.release(),
            r.dist(),
            r.packageName(),
            r.codeCommit(),
            r.specCommit(),
            r.environmentId()),
        "");
    assertTrue(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.MERGE));
    assertFalse(store.hasBuildFor("other.example.org", 7, 2, BuildTrigger.MERGE));

    // Builds count whatever became of them: a repeated event must not build the patch set again.
    assertTrue(store.start(review.id(), clock.instant()));
    assertTrue(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.REVIEW));
    assertTrue(
        store.finish(review.id(), BuildState.CANCELLED, clock.instant(), Optional.empty(), ""));
    assertTrue(store.hasBuildFor(SERVER, 7, 2, BuildTrigger.REVIEW));

    // Manual builds have no change and match none.
    store.enqueue(Builds.manual("abc1234"), "");
    assertFalse(store.hasBuildFor("gerrit.example.org", 0, 0, BuildTrigger.MANUAL));
    store.close();
    assertTrue(store().hasBuildFor(SERVER, 7, 2, BuildTrigger.REVIEW));
  }

  @Test
  void forPatchsetListsEveryBuildOfThatPatchSetAndTriggerOldestFirst() {
    BuildStore store = store();
    BuildRecord first = store.enqueue(Builds.review(SERVER, 7, 2), "review/CR-7");
    store.enqueue(Builds.review(SERVER, 7, 1), "review/CR-7");
    store.enqueue(Builds.review("other.example.org", 7, 2), "review/CR-7");
    BuildRecord second = store.enqueue(Builds.review(SERVER, 7, 2), "review/CR-7");
    assertTrue(
        store.finish(first.id(), BuildState.CANCELLED, clock.instant(), Optional.empty(), ""));

    assertEquals(
        List.of(first.id(), second.id()),
        store.forPatchset(SERVER, 7, 2, BuildTrigger.REVIEW).stream()
            .map(BuildRecord::id)
            .toList());
    assertEquals(List.of(), store.forPatchset(SERVER, 7, 2, BuildTrigger.MERGE));
  }

  @Test
  void unfinishedListsQueuedAndRunningBuildsOldestFirst() {
    BuildStore store = store();
    BuildRecord first = store.enqueue(Builds.review(SERVER, 1, 1), "");
    BuildRecord second = store.enqueue(Builds.review(SERVER, 2, 1), "");
    BuildRecord third = store.enqueue(Builds.review(SERVER, 3, 1), "");
    assertTrue(store.start(second.id(), clock.instant()));
    assertTrue(
        store.finish(third.id(), BuildState.CANCELLED, clock.instant(), Optional.empty(), ""));

    List<BuildRecord> unfinished = store.unfinished();
    assertEquals(
        List.of(first.id(), second.id()), unfinished.stream().map(BuildRecord::id).toList());
    assertEquals(BuildState.RUNNING, unfinished.get(1).state());
  }

  @Test
  void succeededWithInputsFindsTheLatestSuccessWithExactlyThoseInputs() {
    BuildStore store = store();
    NewBuild build = Builds.manual("abc1234");
    assertEquals(Optional.empty(), store.succeededWithInputs(build.inputsKey()));

    BuildRecord older = store.enqueue(build, "");
    BuildRecord failed = store.enqueue(build, "");
    BuildRecord newer = store.enqueue(build, "");
    store.enqueue(Builds.manual("def5678"), "");
    Instant at = clock.instant();
    assertTrue(store.finish(older.id(), BuildState.SUCCEEDED, at, Optional.empty(), "ok"));
    assertTrue(
        store.finish(failed.id(), BuildState.FAILED, at.plusSeconds(1), Optional.empty(), ""));
    assertTrue(
        store.finish(newer.id(), BuildState.SUCCEEDED, at.plusSeconds(2), Optional.empty(), ""));

    assertEquals(newer.id(), store.succeededWithInputs(build.inputsKey()).orElseThrow().id());
    assertEquals(Optional.empty(), store.succeededWithInputs(Builds.manual("def5678").inputsKey()));
  }

  @Test
  void startMovesOnlyAQueuedBuildToRunning() {
    BuildStore store = store();
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    Instant at = Instant.parse("2026-03-01T10:01:02.345999Z");

    assertTrue(store.start(build.id(), at));
    BuildRecord running = store.get(build.id()).orElseThrow();
    assertEquals(BuildState.RUNNING, running.state());
    assertEquals(Optional.of(Instant.parse("2026-03-01T10:01:02.345Z")), running.startedAt());
    assertFalse(store.start(build.id(), at.plusSeconds(5)));
    assertEquals(running, store.get(build.id()).orElseThrow());

    BuildRecord cancelled = store.enqueue(Builds.manual("abc1234"), "");
    assertTrue(store.finish(cancelled.id(), BuildState.CANCELLED, at, Optional.empty(), "by hand"));
    assertFalse(store.start(cancelled.id(), at));
    assertEquals(BuildState.CANCELLED, store.get(cancelled.id()).orElseThrow().state());
    assertFalse(store.start(cancelled.id() + 1000, at));
  }

  @Test
  void requeuePutsARunningBuildBackAndLeavesOthersAlone() {
    BuildStore store = store();
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    assertTrue(store.start(build.id(), clock.instant()));
    store.requeue(build.id());
    BuildRecord requeued = store.get(build.id()).orElseThrow();
    assertEquals(BuildState.QUEUED, requeued.state());
    assertEquals(Optional.empty(), requeued.startedAt());
    assertTrue(store.start(build.id(), clock.instant()));

    assertTrue(store.finish(build.id(), BuildState.FAILED, clock.instant(), Optional.empty(), ""));
    store.requeue(build.id());
    assertEquals(BuildState.FAILED, store.get(build.id()).orElseThrow().state());
  }

  @Test
  void finishRecordsTheEndOnceAndALateResultCannotOverwriteACancellation() {
    BuildStore store = store();
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "/srv/test-repo");
    assertTrue(store.start(build.id(), clock.instant()));
    Instant end = clock.instant().plus(Duration.ofMinutes(3));

    assertTrue(
        store.finish(build.id(), BuildState.CANCELLED, end, Optional.empty(), "patch set 2 came"));
    assertFalse(
        store.finish(
            build.id(),
            BuildState.SUCCEEDED,
            end.plusSeconds(1),
            Optional.of("/var/log/b1.log"),
            "built"));

    BuildRecord cancelled = store.get(build.id()).orElseThrow();
    assertEquals(BuildState.CANCELLED, cancelled.state());
    assertEquals(Optional.of(end.truncatedTo(ChronoUnit.MILLIS)), cancelled.finishedAt());
    assertEquals(Optional.of("patch set 2 came"), cancelled.summary());
    assertEquals(Optional.empty(), cancelled.logPath());
    assertEquals("/srv/test-repo", cancelled.repository());

    BuildRecord succeeded = store.enqueue(Builds.manual("abc1234"), "");
    assertTrue(store.start(succeeded.id(), clock.instant()));
    assertTrue(
        store.finish(
            succeeded.id(), BuildState.SUCCEEDED, end, Optional.of("/var/log/b2.log"), "built"));
    assertEquals(Optional.of("/var/log/b2.log"), store.get(succeeded.id()).orElseThrow().logPath());
    assertFalse(store.finish(succeeded.id() + 1000, BuildState.FAILED, end, Optional.empty(), ""));
  }

  @Test
  void finishTakesOnlyFinalStates() {
    BuildStore store = store();
    BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
    for (BuildState state : List.of(BuildState.QUEUED, BuildState.RUNNING)) {
      assertThrows(
          IllegalArgumentException.class,
          () -> store.finish(build.id(), state, clock.instant(), Optional.empty(), ""));
    }
    assertEquals(BuildState.QUEUED, store.get(build.id()).orElseThrow().state());
  }

  @Test
  void aVoteIsRecordedOnce() {
    BuildStore store = store();
    BuildRecord build = store.enqueue(Builds.review(SERVER, 1, 1), "");
    assertTrue(store.recordVote(build.id(), -1));
    assertFalse(store.recordVote(build.id(), 1));
    assertEquals(Optional.of(-1), store.get(build.id()).orElseThrow().vote());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> store.recordVote(build.id() + 1000, 1));
    assertEquals(
        "no build " + BuildRecord.buildIdOf(build.id() + 1000) + " to record a vote for",
        missing.getMessage());
  }

  @Test
  void theEventMarkOnlyMovesForwardAndIsKeptPerServer() {
    BuildStore store = store();
    assertEquals(Optional.empty(), store.lastEventTime(SERVER));
    Instant first = Instant.parse("2026-03-01T09:00:00Z");
    store.advanceLastEventTime(SERVER, first);
    assertEquals(Optional.of(first), store.lastEventTime(SERVER));

    store.advanceLastEventTime(SERVER, first.minusSeconds(60));
    assertEquals(Optional.of(first), store.lastEventTime(SERVER));
    store.advanceLastEventTime(SERVER, first);
    assertEquals(Optional.of(first), store.lastEventTime(SERVER));

    Instant later = Instant.parse("2026-03-01T09:05:00.987654Z");
    store.advanceLastEventTime(SERVER, later);
    assertEquals(
        Optional.of(Instant.parse("2026-03-01T09:05:00.987Z")), store.lastEventTime(SERVER));
    assertEquals(Optional.empty(), store.lastEventTime("other.example.org"));
  }

  @Test
  void racingStartsLetExactlyOneThreadStartEachBuild() throws Exception {
    BuildStore store = store();
    for (int round = 0; round < 10; round++) {
      BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
      List<Boolean> outcomes = race(() -> store.start(build.id(), clock.instant()));
      assertEquals(1, outcomes.stream().filter(started -> started).count(), "round " + round);
      assertEquals(BuildState.RUNNING, store.get(build.id()).orElseThrow().state());
    }
  }

  @Test
  void racingResultsLetExactlyOneEndingStand() throws Exception {
    BuildStore store = store();
    List<BuildState> endings =
        List.of(BuildState.SUCCEEDED, BuildState.FAILED, BuildState.CANCELLED, BuildState.REUSED);
    for (int round = 0; round < 10; round++) {
      BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
      assertTrue(store.start(build.id(), clock.instant()));
      List<Integer> tickets = IntStream.range(0, THREADS).boxed().toList();
      List<Integer> winners = new ArrayList<>();
      List<Boolean> outcomes =
          race(
              tickets.stream()
                  .<Callable<Boolean>>map(
                      ticket ->
                          () ->
                              store.finish(
                                  build.id(),
                                  endings.get(ticket % endings.size()),
                                  clock.instant(),
                                  Optional.of("/logs/" + ticket),
                                  "ticket " + ticket))
                  .toList());
      for (int i = 0; i < outcomes.size(); i++) {
        if (outcomes.get(i)) {
          winners.add(i);
        }
      }
      assertEquals(1, winners.size(), "round " + round + ": " + outcomes);
      int winner = winners.get(0);
      BuildRecord ended = store.get(build.id()).orElseThrow();
      assertEquals(endings.get(winner % endings.size()), ended.state());
      assertEquals(Optional.of("ticket " + winner), ended.summary());
      assertEquals(Optional.of("/logs/" + winner), ended.logPath());
    }
  }

  @Test
  void aCancellationRacingAStartLeavesACoherentBuild() throws Exception {
    BuildStore store = store();
    for (int round = 0; round < 10; round++) {
      BuildRecord build = store.enqueue(Builds.manual("abc1234"), "");
      List<Callable<Boolean>> racers = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        racers.add(
            i % 2 == 0
                ? () -> store.start(build.id(), clock.instant())
                : () ->
                    store.finish(
                        build.id(), BuildState.CANCELLED, clock.instant(), Optional.empty(), ""));
      }
      List<Boolean> outcomes = race(racers);
      long starts = IntStream.range(0, THREADS).filter(i -> i % 2 == 0 && outcomes.get(i)).count();
      long cancels = IntStream.range(0, THREADS).filter(i -> i % 2 == 1 && outcomes.get(i)).count();
      assertEquals(1, cancels, "round " + round + ": " + outcomes);
      assertTrue(starts <= 1, "round " + round + ": " + outcomes);
      BuildRecord ended = store.get(build.id()).orElseThrow();
      assertEquals(BuildState.CANCELLED, ended.state());
      assertEquals(starts == 1, ended.startedAt().isPresent());
    }
  }

  @Test
  void racingVotesRecordExactlyOne() throws Exception {
    BuildStore store = store();
    for (int round = 0; round < 10; round++) {
      BuildRecord build = store.enqueue(Builds.review(SERVER, round, 1), "");
      List<Integer> values =
          IntStream.range(0, THREADS).map(i -> i % 2 == 0 ? 1 : -1).boxed().toList();
      List<Boolean> outcomes =
          race(
              values.stream()
                  .<Callable<Boolean>>map(value -> () -> store.recordVote(build.id(), value))
                  .toList());
      assertEquals(1, outcomes.stream().filter(recorded -> recorded).count(), "round " + round);
      int winner = outcomes.indexOf(true);
      assertEquals(Optional.of(values.get(winner)), store.get(build.id()).orElseThrow().vote());
    }
  }

  @Test
  void racingMarksEndAtTheNewestTime() throws Exception {
    BuildStore store = store();
    Instant base = Instant.parse("2026-03-01T09:00:00Z");
    for (int round = 0; round < 10; round++) {
      String server = "gerrit-" + round + ".example.org";
      int shift = round;
      List<Instant> times =
          IntStream.range(0, THREADS)
              .mapToObj(i -> base.plusSeconds((i * 7L + shift) % THREADS))
              .toList();
      race(
          times.stream()
              .<Callable<Boolean>>map(
                  at ->
                      () -> {
                        store.advanceLastEventTime(server, at);
                        return true;
                      })
              .toList());
      Instant newest = times.stream().max(Instant::compareTo).orElseThrow();
      assertEquals(Optional.of(newest), store.lastEventTime(server), "round " + round);
    }
  }

  @Test
  void concurrentEnqueuesGetDistinctIds() throws Exception {
    BuildStore store = store();
    List<Callable<BuildRecord>> enqueues = new ArrayList<>();
    for (int i = 0; i < THREADS * 4; i++) {
      enqueues.add(() -> store.enqueue(Builds.manual("abc1234"), ""));
    }
    List<BuildRecord> builds = race(enqueues);
    Set<String> ids = new HashSet<>();
    builds.forEach(build -> ids.add(build.buildId()));
    assertEquals(builds.size(), ids.size());
    assertEquals(builds.size(), store.unfinished().size());
  }

  @Test
  void everythingSurvivesClosingAndReopening() {
    BuildStore store = store();
    BuildRecord queued = store.enqueue(Builds.review(SERVER, 11, 1), "/srv/review/11");
    BuildRecord running = store.enqueue(Builds.review(SERVER, 11, 2), "");
    BuildRecord done = store.enqueue(Builds.manual("abc1234"), "");
    Instant at = clock.instant();
    assertTrue(store.start(running.id(), at));
    assertTrue(store.start(done.id(), at));
    assertTrue(store.finish(done.id(), BuildState.SUCCEEDED, at, Optional.of("/l/b.log"), "built"));
    assertTrue(store.recordVote(done.id(), 1));
    store.advanceLastEventTime(SERVER, at);
    List<BuildRecord> before = store.recent(10);
    store.close();

    clock.advance(Duration.ofHours(1));
    BuildStore reopened = store();
    assertEquals(before, reopened.recent(10));
    assertEquals(
        List.of(queued.id(), running.id()),
        reopened.unfinished().stream().map(BuildRecord::id).toList());
    assertFalse(reopened.recordVote(done.id(), -1));
    assertFalse(reopened.start(running.id(), at));
    assertEquals(Optional.of(at.truncatedTo(ChronoUnit.MILLIS)), reopened.lastEventTime(SERVER));
    assertTrue(reopened.enqueue(Builds.manual("abc1234"), "").id() > done.id());
  }

  /** Runs the same call on every thread at once and returns each thread's outcome. */
  private static <T> List<T> race(Callable<T> call) throws Exception {
    List<Callable<T>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      calls.add(call);
    }
    return race(calls);
  }

  /** Runs the calls on threads of their own, released together, and returns their outcomes. */
  private static <T> List<T> race(List<Callable<T>> calls) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch ready = new CountDownLatch(calls.size());
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> call : calls) {
        futures.add(
            threads.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return call.call();
                }));
      }
      assertTrue(ready.await(10, TimeUnit.SECONDS));
      go.countDown();
      List<T> outcomes = new ArrayList<>();
      for (Future<T> future : futures) {
        outcomes.add(future.get(60, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      threads.shutdownNow();
    }
  }
}
