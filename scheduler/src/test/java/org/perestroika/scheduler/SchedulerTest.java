package org.perestroika.scheduler;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.gerrit.Account;
import org.perestroika.core.gerrit.ChangeRef;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.service.RepositoryRef;
import org.perestroika.scheduler.dispatch.DispatchRequest;
import org.perestroika.scheduler.gerrit.ProjectFilter;
import org.perestroika.scheduler.gerrit.UpdatedChange;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildStore;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.DatabaseLocation;
import org.perestroika.scheduler.queue.JdbcBuildStore;
import org.perestroika.scheduler.queue.NewBuild;
import org.perestroika.scheduler.routing.Router;
import org.perestroika.scheduler.source.SourceSpec;
import org.perestroika.scheduler.testing.FakeDispatcher;
import org.perestroika.scheduler.testing.FakeGerritRest;
import org.perestroika.scheduler.testing.FakePackageBuilder;
import org.perestroika.scheduler.testing.FakePublisher;
import org.perestroika.scheduler.testing.FakeSourceAssembler;
import org.perestroika.testing.TestingClock;

/**
 * The scheduler from Gerrit event to vote, on a real build store (H2 in a temporary directory) with
 * Gerrit, sources, builds and repositories faked. One build slot, so builds run in queue order.
 */
class SchedulerTest {
  private static final String SERVER = "review";
  private static final String BRANCH = "openstack-ci/fuel-10.0/2024.1";
  private static final String CODE = "acme/openstack/nova";
  private static final String SPEC = "acme/openstack-build/nova";
  private static final String ENVIRONMENT = "bookworm-20260301";
  private static final String LOG_BASE = "http://perestroika.example:8080/";
  private static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  private static final Dist CENTOS7 =
      new Dist("centos7", "centos-7", PackageFormat.RPM, URI.create("http://centos.example/7"));
  private static final PublishTarget PROPOSED = PublishTarget.parse("mos10.0-proposed");
  private static final Account JANE =
      new Account(Optional.of("Jane Roe"), Optional.of("jane@acme.example"), Optional.of("jane"));
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static final SchedulerConfig CONFIG = withDists("bookworm");

  @TempDir Path stateDir;

  private final TestingClock clock = TestingClock.at("2026-03-02T12:00:00Z");
  private final FakeGerritRest gerrit = new FakeGerritRest();
  private final FakeSourceAssembler sources = new FakeSourceAssembler();
  private final FakeDispatcher dispatcher = new FakeDispatcher(1);
  private final FakePublisher publisher = new FakePublisher();
  private final FakePackageBuilder builder = new FakePackageBuilder("20260301");
  private final List<Scheduler> schedulers = new ArrayList<>();
  private final List<BuildStore> stores = new ArrayList<>();
  private BuildStore store;
  private Instant lastEvent = Instant.parse("2026-03-02T11:00:00Z");
  private int sentinels;

  @BeforeEach
  void openStore() {
    store = openedStore();
  }

  @AfterEach
  void closeEverything() {
    schedulers.forEach(Scheduler::close);
    stores.forEach(BuildStore::close);
  }

  @Test
  void aCodePatchSetIsBuiltWithTheSpecBranchHeadPublishedForReviewAndVotedOnce() throws Exception {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();

    scheduler.onEvent(SERVER, created(change));

    BuildRecord build = only(buildsOf(5));
    NewBuild request = build.request();
    assertEquals(BuildTrigger.REVIEW, request.trigger());
    assertEquals(Optional.of(1), request.patchset());
    assertEquals(CODE, request.project());
    assertEquals(rev("nova 5,1"), request.codeCommit());
    assertEquals(Optional.of(rev("spec head")), request.specCommit());
    assertEquals(
        List.of("acme", "mos10.0", "bookworm", "nova", ENVIRONMENT),
        List.of(
            request.customer(),
            request.release(),
            request.dist(),
            request.packageName(),
            request.environmentId()));
    assertEquals("review/CR-5", build.repository());

    DispatchRequest dispatched = awaitDispatch(build);
    Path buildDir = stateDir.resolve("builds").resolve(build.buildId());
    assertEquals(
        List.of(
            SourceSpec.split(CODE, rev("nova 5,1"), SPEC, rev("spec head"))
                .withCodeRef("refs/changes/05/5/1")),
        sources.specs());
    assertEquals(buildDir.resolve("src").resolve("nova-1.0"), dispatched.source());
    assertEquals(buildDir.resolve("out"), dispatched.outDir());
    assertEquals(BOOKWORM, dispatched.dist());
    assertEquals(BuildLimits.DEFAULTS, dispatched.limits());
    assertEquals(new SourceCommits(rev("nova 5,1"), rev("spec head")), dispatched.commits());

    dispatcher.succeed(build.buildId());
    BuildRecord voted = awaitVote(build);

    assertEquals(BuildState.SUCCEEDED, voted.state());
    assertEquals(Optional.of(1), voted.vote());
    String line = FakePublisher.sourcesListLine(RepositoryRef.review(5), PROPOSED);
    assertEquals(
        List.of(
            new FakePublisher.Publish(
                buildDir.resolve("out"), BOOKWORM, RepositoryRef.review(5), PROPOSED)),
        publisher.published());
    assertEquals(
        Optional.of("published to mos10.0-proposed; to install from it:\n" + line),
        voted.summary());
    assertTrue(
        Files.readString(Path.of(voted.logPath().orElseThrow()))
            .contains("fake dispatcher: building " + build.buildId()));
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(change, review.change());
    assertEquals(1, review.verified());
    assertEquals(Scheduler.REVIEW_TAG, review.tag());
    assertTrue(review.message().startsWith(marker(build) + " succeeded"), review.message());
    assertTrue(review.message().contains(line), review.message());
    assertTrue(review.message().contains(logUrl(build)), review.message());
  }

  @Test
  void aChangeWhoseSpecProjectLacksTheBranchIsVotedMinusOneWithTheReason() {
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();

    scheduler.onEvent(SERVER, created(change));

    assertEquals(List.of(), buildsOf(5));
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(change, review.change());
    assertEquals(-1, review.verified());
    assertEquals(Scheduler.REVIEW_TAG, review.tag());
    assertTrue(
        review.message().contains(SPEC + " has no branch " + BRANCH + " to pair with"),
        review.message());
    assertTrue(review.message().contains("recheck"), review.message());
  }

  @Test
  void aFailedBuildVotesMinusOneWithTheTailOfItsLog() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();
    scheduler.onEvent(SERVER, created(change));
    BuildRecord build = only(buildsOf(5));

    awaitDispatch(build);
    dispatcher.fail(
        build.buildId(),
        "E: nova build-depends on python3-pbr (>= 6.0), which is not installable",
        "dpkg-buildpackage: error: debian/rules binary subprocess returned exit status 2");
    BuildRecord voted = awaitVote(build);

    assertEquals(BuildState.FAILED, voted.state());
    assertEquals(Optional.of(-1), voted.vote());
    assertEquals(List.of(), publisher.published());
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(change, review.change());
    assertEquals(-1, review.verified());
    assertTrue(review.message().startsWith(marker(build) + " failed"), review.message());
    assertTrue(review.message().contains(logUrl(build)), review.message());
    assertTrue(
        review
            .message()
            .contains(
                "  E: nova build-depends on python3-pbr (>= 6.0), which is not installable\n"),
        review.message());
    assertTrue(
        review.message().contains("  dpkg-buildpackage: error: debian/rules binary subprocess"),
        review.message());
  }

  @Test
  void aSpecPatchSetIsBuiltWithTheCodeBranchHead() {
    gerrit.branchHead(CODE, BRANCH, rev("code head"));
    ChangeRef change = patchset(6, SPEC, 1, "nova spec 6,1");
    Scheduler scheduler = started();

    scheduler.onEvent(SERVER, created(change));

    BuildRecord build = only(buildsOf(6));
    assertEquals(SPEC, build.request().project());
    assertEquals(rev("code head"), build.request().codeCommit());
    assertEquals(Optional.of(rev("nova spec 6,1")), build.request().specCommit());
    assertEquals("review/CR-6", build.repository());
    awaitDispatch(build);
    assertEquals(
        List.of(
            SourceSpec.split(CODE, rev("code head"), SPEC, rev("nova spec 6,1"))
                .withSpecRef("refs/changes/06/6/1")),
        sources.specs());
    dispatcher.succeed(build.buildId());
    assertEquals(Optional.of(1), awaitVote(build).vote());
    assertEquals(change, only(gerrit.reviews()).change());
    assertEquals(RepositoryRef.review(6), only(publisher.published()).repository());
  }

  @Test
  void aChangeWithATopicIsBuiltWithTheOtherProjectsOpenChangeInThatTopic() {
    gerrit.branchHead(CODE, BRANCH, rev("code head"));
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    Optional<String> topic = Optional.of("nova-29.1");
    ChangeRef code = patchset(7, CODE, 1, "nova 7,1", topic);
    patchset(8, SPEC, 1, "nova spec 8,1", topic);
    ChangeRef spec = patchset(8, SPEC, 2, "nova spec 8,2", topic);
    // Same topic, but another package's spec, and the same spec on another branch.
    patchset(3, "acme/openstack-build/glance", 1, "glance spec 3,1", topic);
    gerrit.patchset(
        new ChangeRef(
            4,
            changeId(4),
            SPEC,
            "master",
            topic,
            1,
            ChangeRef.expectedRef(4, 1),
            rev("nova spec 4,1 on master")));
    Scheduler scheduler = started();

    scheduler.onEvent(SERVER, created(code));
    scheduler.onEvent(SERVER, created(spec));

    BuildRecord codeBuild = only(buildsOf(7));
    assertEquals(rev("nova 7,1"), codeBuild.request().codeCommit());
    assertEquals(Optional.of(rev("nova spec 8,2")), codeBuild.request().specCommit());
    BuildRecord specBuild = only(buildsOf(8));
    assertEquals(rev("nova 7,1"), specBuild.request().codeCommit());
    assertEquals(Optional.of(rev("nova spec 8,2")), specBuild.request().specCommit());
    assertEquals(Optional.of(2), specBuild.request().patchset());

    awaitDispatch(codeBuild);
    dispatcher.succeed(codeBuild.buildId());
    assertEquals(Optional.of(1), awaitVote(codeBuild).vote());
    // The same commits: the spec change's build takes the code change's artifacts.
    assertEquals(BuildState.REUSED, awaitVote(specBuild).state());
    assertEquals(List.of(code, spec), gerrit.reviews().stream().map(r -> r.change()).toList());
  }

  @Test
  void aNewPatchSetCancelsTheRunningBuildOfTheOlderOneWhichIsNotVotedOn() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef first = patchset(5, CODE, 1, "nova 5,1");
    ChangeRef second = patchset(5, CODE, 2, "nova 5,2");
    Scheduler scheduler = started();
    scheduler.onEvent(SERVER, created(first));
    BuildRecord old = only(buildsOf(5));
    awaitDispatch(old);

    scheduler.onEvent(SERVER, created(second));

    BuildRecord cancelled = current(old);
    assertEquals(BuildState.CANCELLED, cancelled.state());
    assertEquals(Optional.of("superseded by patch set 2"), cancelled.summary());
    await("the run of " + old.buildId() + " interrupted", () -> interrupted(old));
    BuildRecord newer = buildsOf(5).get(1);
    assertEquals(Optional.of(2), newer.request().patchset());
    assertEquals(rev("nova 5,2"), newer.request().codeCommit());
    awaitDispatch(newer);
    dispatcher.succeed(newer.buildId());
    assertEquals(Optional.of(1), awaitVote(newer).vote());

    assertEquals(Optional.empty(), current(old).vote());
    assertEquals(BuildState.CANCELLED, current(old).state());
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(second, review.change());
    assertTrue(review.message().startsWith(marker(newer) + " "), review.message());
    assertEquals(1, dispatcher.requestsFor(old.buildId()).size());
    assertEquals(
        newer.buildId(), only(publisher.published()).output().getParent().getFileName().toString());
  }

  @Test
  void anAbandonedChangeLosesItsRunningBuildAndItsReviewRepository() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();
    scheduler.onEvent(SERVER, created(change));
    BuildRecord build = only(buildsOf(5));
    awaitDispatch(build);

    scheduler.onEvent(SERVER, abandoned(change));

    BuildRecord cancelled = current(build);
    assertEquals(BuildState.CANCELLED, cancelled.state());
    assertEquals(Optional.of("change abandoned"), cancelled.summary());
    assertEquals(List.of(RepositoryRef.review(5)), publisher.removed());
    await("the run of " + build.buildId() + " interrupted", () -> interrupted(build));
    settle(scheduler);
    assertEquals(Optional.empty(), current(build).vote());
    assertEquals(List.of(), gerrit.reviewsOf(5));
    assertEquals(List.of(), publisher.published().stream().filter(p -> isReview(p, 5)).toList());

    scheduler.onEvent(SERVER, abandoned(unrouted(6, "acme/infra/puppet", BRANCH)));
    assertEquals(List.of(RepositoryRef.review(5)), publisher.removed());
  }

  @Test
  void aRecheckCommentRebuildsThePatchSetAndOtherCommentsDoNot() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();
    scheduler.onEvent(SERVER, created(change));
    BuildRecord failed = only(buildsOf(5));
    awaitDispatch(failed);
    dispatcher.fail(failed.buildId(), "E: the test suite failed: test_live_migration timed out");
    assertEquals(Optional.of(-1), awaitVote(failed).vote());

    for (String text :
        List.of(
            "Patch Set 1: Code-Review+1\n\nLooks good.",
            "Patch Set 1:\n\nplease recheck",
            "Patch Set 1:\n\nrecheck after the mirror sync",
            "Patch Set 1:\n\nRechecking is not needed")) {
      scheduler.onEvent(SERVER, comment(change, text));
    }
    assertEquals(1, buildsOf(5).size());

    scheduler.onEvent(SERVER, comment(change, "Patch Set 1:\n\nrecheck"));

    List<BuildRecord> builds = buildsOf(5);
    assertEquals(2, builds.size());
    BuildRecord recheck = builds.get(1);
    assertEquals(BuildTrigger.REVIEW, recheck.request().trigger());
    assertEquals(Optional.of(1), recheck.request().patchset());
    assertEquals(failed.request().inputsKey(), recheck.request().inputsKey());
    awaitDispatch(recheck);
    dispatcher.succeed(recheck.buildId());
    assertEquals(Optional.of(1), awaitVote(recheck).vote());
    assertEquals(List.of(-1, 1), gerrit.reviewsOf(5).stream().map(r -> r.verified()).toList());
    assertTrue(gerrit.reviewsOf(5).get(1).message().startsWith(marker(recheck) + " succeeded"));
  }

  @Test
  void aMergedChangeIsBuiltFromItsNewRevisionPublishedToTheReleaseAndCommentedOn() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 2, "nova 5,2");
    Scheduler scheduler = started();

    scheduler.onEvent(SERVER, merged(change, rev("nova 5,2 rebased on submit")));

    BuildRecord build = only(buildsOf(5));
    assertEquals(BuildTrigger.MERGE, build.request().trigger());
    assertEquals(rev("nova 5,2 rebased on submit"), build.request().codeCommit());
    assertEquals(Optional.of(rev("spec head")), build.request().specCommit());
    assertEquals("", build.repository());
    awaitDispatch(build);
    assertEquals(
        List.of(SourceSpec.split(CODE, rev("nova 5,2 rebased on submit"), SPEC, rev("spec head"))),
        sources.specs());
    dispatcher.succeed(build.buildId());
    BuildRecord commented = awaitVote(build);

    assertEquals(BuildState.SUCCEEDED, commented.state());
    assertEquals(Optional.of(0), commented.vote());
    FakePublisher.Publish publish = only(publisher.published());
    assertEquals(RepositoryRef.MIRROR, publish.repository());
    assertEquals(PROPOSED, publish.target());
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(change, review.change());
    assertEquals(0, review.verified());
    assertEquals(Scheduler.REVIEW_TAG, review.tag());
    assertTrue(review.message().startsWith(marker(build) + " succeeded"), review.message());
    assertTrue(
        review.message().contains(FakePublisher.sourcesListLine(RepositoryRef.MIRROR, PROPOSED)),
        review.message());

    scheduler.onEvent(SERVER, merged(change, rev("nova 5,2 rebased on submit")));
    assertEquals(1, buildsOf(5).size());
  }

  @Test
  void anEventIsBuiltOnceUnroutedOnesAreIgnoredAndEachMovesTheEventMark() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();
    GerritEvent stream = created(change);
    scheduler.onEvent(SERVER, stream);
    assertEquals(Optional.of(stream.createdOn()), store.lastEventTime(SERVER));
    BuildRecord build = only(buildsOf(5));

    List<GerritEvent> ignored =
        List.of(
            // The same event again, as a catch-up or a webhook delivers it.
            new GerritEvent.PatchsetCreated(nextEventTime(), change, Optional.of(JANE)),
            created(unrouted(20, "acme/infra/puppet", BRANCH)),
            created(unrouted(21, CODE, "master")),
            created(unrouted(22, "globex/openstack/nova", BRANCH)),
            comment(unrouted(21, CODE, "master"), "recheck"),
            merged(unrouted(20, "acme/infra/puppet", BRANCH), rev("puppet merged")),
            abandoned(unrouted(22, "globex/openstack/nova", BRANCH)),
            new GerritEvent.RefUpdated(
                nextEventTime(),
                CODE,
                "refs/heads/" + BRANCH,
                rev("old head"),
                rev("new head"),
                Optional.of(JANE)),
            new GerritEvent.Unsupported(nextEventTime(), "reviewer-added"));
    for (GerritEvent event : ignored) {
      scheduler.onEvent(SERVER, event);
      assertEquals(Optional.of(event.createdOn()), store.lastEventTime(SERVER), event.type());
    }
    gerrit.updated(new UpdatedChange(change, false, nextEventTime()));
    scheduler.catchUp(SERVER);

    assertEquals(List.of(build.id()), store.recent(100).stream().map(BuildRecord::id).toList());
    assertEquals(List.of(), publisher.removed());
    awaitDispatch(build);
    dispatcher.succeed(build.buildId());
    awaitVote(build);
    assertEquals(1, dispatcher.requests().size());
    assertEquals(1, gerrit.reviews().size());
  }

  @Test
  void aBuildWithTheSameInputsReusesTheArtifactsOfTheFirstAndIsVotedOn() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler scheduler = started();
    scheduler.onEvent(SERVER, created(change));
    BuildRecord first = only(buildsOf(5));
    awaitDispatch(first);
    dispatcher.succeed(first.buildId());
    awaitVote(first);

    scheduler.onEvent(SERVER, comment(change, "recheck"));

    BuildRecord same = buildsOf(5).get(1);
    assertEquals(first.request().inputsKey(), same.request().inputsKey());
    BuildRecord reused = awaitVote(same);
    assertEquals(BuildState.REUSED, reused.state());
    assertEquals(Optional.of(1), reused.vote());
    assertEquals(List.of(), dispatcher.requestsFor(same.buildId()));
    List<FakePublisher.Publish> published = publisher.published();
    assertEquals(2, published.size());
    assertEquals(published.get(0).output(), published.get(1).output());
    assertEquals(
        stateDir.resolve("builds").resolve(first.buildId()).resolve("out"),
        published.get(1).output());
    assertEquals(RepositoryRef.review(5), published.get(1).repository());
    assertTrue(
        Files.exists(Path.of(reused.logPath().orElseThrow())), "the reusing build has a log");
    FakeGerritRest.Review review = gerrit.reviews().get(1);
    assertEquals(1, review.verified());
    assertTrue(review.message().startsWith(marker(same) + " succeeded"), review.message());

    // A new chroot snapshot is a new input: built again.
    builder.environment("20260315");
    scheduler.onEvent(SERVER, comment(change, "recheck"));
    BuildRecord rebuilt = buildsOf(5).get(2);
    assertEquals("bookworm-20260315", rebuilt.request().environmentId());
    awaitDispatch(rebuilt);
    dispatcher.succeed(rebuilt.buildId());
    assertEquals(BuildState.SUCCEEDED, awaitVote(rebuilt).state());
    assertEquals(3, gerrit.reviewsOf(5).size());
  }

  @Test
  void aBuildLeftRunningByAPreviousSchedulerIsQueuedAgainAndRunsOnce() {
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    BuildRecord orphan = store.enqueue(reviewBuild(change, rev("spec head")), "review/CR-5");
    assertTrue(store.start(orphan.id(), clock.instant()));
    reopenStore();

    started();

    awaitDispatch(orphan);
    assertEquals(BuildState.RUNNING, current(orphan).state());
    dispatcher.succeed(orphan.buildId());
    BuildRecord voted = awaitVote(orphan);
    assertEquals(BuildState.SUCCEEDED, voted.state());
    assertEquals(Optional.of(1), voted.vote());
    assertEquals(1, dispatcher.requestsFor(orphan.buildId()).size());
    assertEquals(1, dispatcher.requests().size());
    assertEquals(1, gerrit.reviews().size());
    assertEquals(RepositoryRef.review(5), only(publisher.published()).repository());
  }

  @Test
  void aVotePostedButNotRecordedBeforeARestartIsRecordedWithoutPostingAgain() {
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    BuildRecord build = finished(change, BuildState.SUCCEEDED);
    FakeGerritRest.Review posted =
        new FakeGerritRest.Review(
            change, 1, marker(build) + " succeeded in 60 s.\n\n", Scheduler.REVIEW_TAG);
    gerrit.posted(posted);
    reopenStore();

    started();

    assertEquals(Optional.of(1), awaitVote(build).vote());
    assertEquals(List.of(posted), gerrit.reviews());
  }

  @Test
  void aVoteNeverPostedBeforeARestartIsPostedOnce() {
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    ChangeRef other = patchset(6, CODE, 1, "nova 6,1");
    BuildRecord build = finished(change, BuildState.FAILED);
    BuildRecord voted = finished(other, BuildState.SUCCEEDED);
    assertTrue(store.recordVote(voted.id(), 1));
    BuildRecord cancelled = finished(patchset(7, CODE, 1, "nova 7,1"), BuildState.CANCELLED);
    reopenStore();

    started();
    BuildRecord reported = awaitVote(build);

    assertEquals(Optional.of(-1), reported.vote());
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(change, review.change());
    assertEquals(-1, review.verified());
    assertTrue(review.message().startsWith(marker(build) + " failed"), review.message());
    assertEquals(Optional.empty(), current(cancelled).vote());
    assertEquals(List.of(), dispatcher.requests());
  }

  @Test
  void catchingUpSchedulesUpdatedChangesThatHaveNoBuild() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    Scheduler scheduler = started();
    scheduler.catchUp(SERVER);
    assertEquals(List.of(), gerrit.updatedQueries(), "no event read yet: nothing to catch up");

    ChangeRef built = patchset(12, CODE, 1, "nova 12,1");
    GerritEvent seen = created(built);
    scheduler.onEvent(SERVER, seen);
    Instant mark = seen.createdOn();
    ChangeRef open = patchset(10, CODE, 2, "nova 10,2");
    ChangeRef merged = patchset(11, CODE, 3, "nova 11,3");
    ChangeRef old = patchset(13, CODE, 1, "nova 13,1");
    gerrit.updated(new UpdatedChange(built, false, mark.plusSeconds(30)));
    gerrit.updated(new UpdatedChange(open, false, mark.plusSeconds(60)));
    gerrit.updated(
        new UpdatedChange(unrouted(14, "acme/infra/puppet", BRANCH), false, mark.plusSeconds(90)));
    gerrit.updated(new UpdatedChange(merged, true, mark.plusSeconds(120)));
    gerrit.updated(new UpdatedChange(old, false, mark.minusSeconds(600)));

    scheduler.catchUp(SERVER);

    assertEquals(
        List.of(new FakeGerritRest.UpdatedQuery(mark, ProjectFilter.prefix("acme/"))),
        gerrit.updatedQueries());
    assertEquals(1, buildsOf(12).size());
    BuildRecord review = only(buildsOf(10));
    assertEquals(BuildTrigger.REVIEW, review.request().trigger());
    assertEquals(Optional.of(2), review.request().patchset());
    assertEquals(rev("nova 10,2"), review.request().codeCommit());
    assertEquals("review/CR-10", review.repository());
    BuildRecord release = only(buildsOf(11));
    assertEquals(BuildTrigger.MERGE, release.request().trigger());
    assertEquals(Optional.of(3), release.request().patchset());
    assertEquals("", release.repository());
    assertEquals(List.of(), buildsOf(13));
    assertEquals(3, store.recent(100).size());

    scheduler.catchUp(SERVER);
    assertEquals(3, store.recent(100).size());

    for (BuildRecord build : List.of(only(buildsOf(12)), review, release)) {
      awaitDispatch(build);
      dispatcher.succeed(build.buildId());
      awaitVote(build);
    }
    assertEquals(
        List.of(RepositoryRef.review(12), RepositoryRef.review(10), RepositoryRef.MIRROR),
        publisher.published().stream().map(FakePublisher.Publish::repository).toList());
    assertEquals(List.of(1, 1, 0), gerrit.reviews().stream().map(r -> r.verified()).toList());
  }

  @Test
  void closingWhileABuildRunsVotesNothingAndTheNextSchedulerVotesOnItsResult() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    Scheduler first = started();
    first.onEvent(SERVER, created(change));
    BuildRecord build = only(buildsOf(5));
    awaitDispatch(build);

    first.close();

    assertEquals(List.of(build.buildId()), dispatcher.interrupted());
    assertEquals(BuildState.RUNNING, current(build).state());
    assertEquals(Optional.empty(), current(build).vote());
    assertEquals(List.of(), gerrit.reviews());

    reopenStore();
    started();
    await(
        "a second run of " + build.buildId(),
        () -> dispatcher.requestsFor(build.buildId()).size() == 2);
    dispatcher.succeed(build.buildId());
    assertEquals(Optional.of(1), awaitVote(build).vote());
    assertEquals(1, only(gerrit.reviews()).verified());
  }

  @Test
  void aRestartLooksForTheVoteOfExactlyThatBuild() {
    ChangeRef change = patchset(5, CODE, 1, "nova 5,1");
    BuildRecord unreported = finished(change, BuildState.SUCCEEDED);
    for (int i = 0; i < 9; i++) {
      BuildRecord other =
          finished(patchset(20 + i, CODE, 1, "nova " + (20 + i)), BuildState.FAILED);
      assertTrue(store.recordVote(other.id(), -1));
    }
    BuildRecord reported = finished(change, BuildState.SUCCEEDED);
    assertEquals("b11", reported.buildId());
    assertTrue(store.recordVote(reported.id(), 1));
    gerrit.posted(
        new FakeGerritRest.Review(
            change, 1, marker(reported) + " succeeded in 60 s.\n\n", Scheduler.REVIEW_TAG));
    reopenStore();

    started();

    assertEquals(Optional.of(1), awaitVote(unreported).vote());
    assertEquals(2, gerrit.reviewsOf(5).size());
    assertTrue(gerrit.reviewsOf(5).get(1).message().startsWith(marker(unreported) + " succeeded"));
  }

  @Test
  void aVoteGerritRefusesDoesNotStopTheWorker() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    ChangeRef refused = patchset(5, CODE, 1, "nova 5,1");
    ChangeRef next = patchset(6, CODE, 1, "nova 6,1");
    gerrit.refuseReviews(1);
    Scheduler scheduler = started();
    scheduler.onEvent(SERVER, created(refused));
    BuildRecord first = only(buildsOf(5));
    awaitDispatch(first);
    dispatcher.succeed(first.buildId());
    await(first.buildId() + " to end", () -> current(first).state().isFinal());

    scheduler.onEvent(SERVER, created(next));

    BuildRecord second = only(buildsOf(6));
    awaitDispatch(second);
    dispatcher.succeed(second.buildId());
    assertEquals(Optional.of(1), awaitVote(second).vote());
    assertEquals(Optional.empty(), current(first).vote());
  }

  @Test
  void aMergedChangeIsBuiltWithTheOtherBranchHeadNotAnOpenChangeOfItsTopic() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    Optional<String> topic = Optional.of("nova-29.1");
    ChangeRef code = patchset(7, CODE, 1, "nova 7,1", topic);
    patchset(8, SPEC, 1, "nova spec 8,1 still in review", topic);
    gerrit.close(7);
    Scheduler scheduler = started();

    scheduler.onEvent(SERVER, merged(code, rev("nova 7,1 merged")));

    BuildRecord build = only(buildsOf(7));
    assertEquals(BuildTrigger.MERGE, build.request().trigger());
    assertEquals(Optional.of(rev("spec head")), build.request().specCommit());
  }

  @Test
  void aReleaseWithTwoDistsBuildsEachAndVotesOnceWhenBothEnded() {
    gerrit.branchHead(SPEC, BRANCH, rev("spec head"));
    Scheduler scheduler = started(withDists("bookworm", "centos7"));

    ChangeRef good = patchset(5, CODE, 1, "nova 5,1");
    scheduler.onEvent(SERVER, created(good));
    List<BuildRecord> builds = buildsOf(5);
    assertEquals(
        List.of("bookworm", "centos7"), builds.stream().map(b -> b.request().dist()).toList());
    assertEquals(BOOKWORM, awaitDispatch(builds.get(0)).dist());
    dispatcher.succeed(builds.get(0).buildId());
    await("bookworm's build to end", () -> current(builds.get(0)).state().isFinal());
    assertEquals(CENTOS7, awaitDispatch(builds.get(1)).dist());
    assertEquals(
        Set.of(PackageFormat.DEB, PackageFormat.RPM),
        Set.copyOf(sources.formats()),
        "each dist's source is assembled in its format");
    assertEquals(List.of(), gerrit.reviews(), "no vote while centos7 still builds");
    dispatcher.succeed(builds.get(1).buildId());
    awaitVote(builds.get(1));
    FakeGerritRest.Review review = only(gerrit.reviews());
    assertEquals(1, review.verified());
    assertTrue(
        review
            .message()
            .startsWith(
                "Perestroika build "
                    + builds.get(0).buildId()
                    + "+"
                    + builds.get(1).buildId()
                    + " succeeded"),
        review.message());
    assertTrue(
        review.message().contains("\ncentos7 (" + builds.get(1).buildId()), review.message());
    assertTrue(review.message().contains(logUrl(builds.get(0))), review.message());
    assertTrue(review.message().contains(logUrl(builds.get(1))), review.message());
    assertEquals(Optional.of(1), current(builds.get(1)).vote());
    assertEquals(
        List.of(BOOKWORM, CENTOS7),
        publisher.published().stream()
            .map(FakePublisher.Publish::dist)
            .sorted(Comparator.comparing(Dist::name))
            .toList());

    ChangeRef half = patchset(6, CODE, 1, "nova 6,1");
    scheduler.onEvent(SERVER, created(half));
    List<BuildRecord> second = buildsOf(6);
    awaitDispatch(second.get(0));
    dispatcher.succeed(second.get(0).buildId());
    awaitDispatch(second.get(1));
    dispatcher.fail(second.get(1).buildId(), "error: no such file nova.spec");
    awaitVote(second.get(1));
    FakeGerritRest.Review down = only(gerrit.reviewsOf(6));
    assertEquals(-1, down.verified(), "one failed dist fails the patch set");
    assertTrue(down.message().contains("no such file nova.spec"), down.message());
    assertEquals(Optional.of(-1), current(second.get(0)).vote());
  }

  /** Schedules a build of a change of its own and waits until it was voted on. */
  private void settle(Scheduler scheduler) {
    int number = 900 + sentinels++;
    ChangeRef change =
        patchset(number, "acme/packages/fuel/debian/sentinel", 1, "sentinel " + number);
    scheduler.onEvent(SERVER, created(change));
    BuildRecord build = only(buildsOf(number));
    awaitDispatch(build);
    dispatcher.succeed(build.buildId());
    awaitVote(build);
  }

  private Scheduler started() {
    return started(CONFIG);
  }

  /** One build slot, and acme's release mos10.0 on BRANCH building for these dists. */
  private static SchedulerConfig withDists(String... dists) {
    return new SchedulerConfig(
        "127.0.0.1:8080",
        Optional.empty(),
        "local",
        1,
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Map.of(
            "acme",
            new SchedulerConfig.Customer(
                "acme",
                SERVER,
                Map.of(
                    "mos10.0",
                    new SchedulerConfig.ReleaseRoute(
                        "mos10.0", List.of(BRANCH), List.of(dists), "proposed")))),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private Scheduler started(SchedulerConfig config) {
    Map<String, Dist> dists = Map.of("bookworm", BOOKWORM, "centos7", CENTOS7);
    Scheduler scheduler =
        new Scheduler(
            new Router(config, dists),
            store,
            Map.of(SERVER, gerrit),
            Map.of(SERVER, sources),
            builder,
            publisher,
            dispatcher,
            dists,
            BuildLimits.DEFAULTS,
            stateDir.resolve("builds"),
            LOG_BASE,
            clock,
            new SchedulerListener() {});
    schedulers.add(scheduler);
    scheduler.start();
    return scheduler;
  }

  private BuildStore openedStore() {
    BuildStore opened = JdbcBuildStore.open(DatabaseLocation.embedded(stateDir), clock);
    stores.add(opened);
    return opened;
  }

  /** Closes the store and opens the same database again, as a restarted scheduler does. */
  private void reopenStore() {
    store.close();
    stores.remove(store);
    store = openedStore();
  }

  /** A build recorded as a previous run left it: ended, its vote not recorded. */
  private BuildRecord finished(ChangeRef change, BuildState state) {
    BuildRecord build =
        store.enqueue(reviewBuild(change, rev("spec head")), "review/CR-" + change.number());
    Instant started = clock.instant().minusSeconds(60);
    assertTrue(store.start(build.id(), started));
    Path log = stateDir.resolve("builds").resolve(build.buildId()).resolve("build.log");
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "perestroika: the build " + state + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(
        store.finish(
            build.id(), state, clock.instant(), Optional.of(log.toString()), "the build ended"));
    return current(build);
  }

  private static NewBuild reviewBuild(ChangeRef change, String specCommit) {
    return new NewBuild(
        BuildTrigger.REVIEW,
        SERVER,
        Optional.of(change.number()),
        Optional.of(change.patchset()),
        change.project(),
        change.branch(),
        "acme",
        "mos10.0",
        "bookworm",
        "nova",
        change.revision(),
        Optional.of(specCommit),
        ENVIRONMENT);
  }

  private ChangeRef patchset(int number, String project, int patchset, String commit) {
    return patchset(number, project, patchset, commit, Optional.empty());
  }

  /** A patch set on the release branch, known to Gerrit from now on. */
  private ChangeRef patchset(
      int number, String project, int patchset, String commit, Optional<String> topic) {
    ChangeRef change =
        new ChangeRef(
            number,
            changeId(number),
            project,
            BRANCH,
            topic,
            patchset,
            ChangeRef.expectedRef(number, patchset),
            rev(commit));
    gerrit.patchset(change);
    return change;
  }

  private static ChangeRef unrouted(int number, String project, String branch) {
    return new ChangeRef(
        number,
        changeId(number),
        project,
        branch,
        Optional.empty(),
        1,
        ChangeRef.expectedRef(number, 1),
        rev(project + " " + number));
  }

  private GerritEvent created(ChangeRef change) {
    return new GerritEvent.PatchsetCreated(nextEventTime(), change, Optional.of(JANE));
  }

  private GerritEvent comment(ChangeRef change, String text) {
    return new GerritEvent.CommentAdded(nextEventTime(), change, JANE, text);
  }

  private GerritEvent merged(ChangeRef change, String newRev) {
    return new GerritEvent.ChangeMerged(
        nextEventTime(), change, Optional.of(JANE), Optional.of(newRev));
  }

  private GerritEvent abandoned(ChangeRef change) {
    return new GerritEvent.ChangeAbandoned(
        nextEventTime(), change, Optional.of(JANE), Optional.of("superseded"));
  }

  /** Gerrit's event times have whole seconds, and each event here comes a second later. */
  private Instant nextEventTime() {
    lastEvent = lastEvent.plusSeconds(1);
    return lastEvent;
  }

  private List<BuildRecord> buildsOf(int change) {
    return store.recent(1000).stream()
        .filter(b -> b.request().change().equals(Optional.of(change)))
        .sorted(Comparator.comparingLong(BuildRecord::id))
        .toList();
  }

  private BuildRecord current(BuildRecord build) {
    return store.get(build.id()).orElseThrow();
  }

  private DispatchRequest awaitDispatch(BuildRecord build) {
    return await(
        build.buildId() + " dispatched",
        () -> dispatcher.requestsFor(build.buildId()).stream().findFirst());
  }

  private BuildRecord awaitVote(BuildRecord build) {
    return await(
        "a vote recorded for " + build.buildId(),
        () -> store.get(build.id()).filter(b -> b.vote().isPresent()));
  }

  private boolean interrupted(BuildRecord build) {
    return dispatcher.interrupted().contains(build.buildId());
  }

  private static void await(String what, BooleanSupplier condition) {
    await(what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
  }

  /** Polls until the answer is present; fails after {@link #PATIENCE}, which is no assertion. */
  private static <T> T await(String what, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      Optional<T> answer = probe.get();
      if (answer.isPresent()) {
        return answer.get();
      }
      if (System.nanoTime() > deadline) {
        return fail("gave up waiting for " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted while waiting for " + what);
      }
    }
  }

  private static boolean isReview(FakePublisher.Publish publish, int change) {
    return publish.repository().equals(RepositoryRef.review(change));
  }

  private static String marker(BuildRecord build) {
    return "Perestroika build " + build.buildId();
  }

  private static String logUrl(BuildRecord build) {
    return "http://perestroika.example:8080/api/builds/" + build.buildId() + "/log";
  }

  private static <T> T only(List<T> items) {
    assertEquals(1, items.size(), () -> "expected exactly one of " + items);
    return items.get(0);
  }

  private static String changeId(int number) {
    return "I" + rev("change " + number);
  }

  /** A commit id of its own for each label. */
  private static String rev(String label) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(label.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
