package org.perestroika.bench.scheduler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.gerrit.Account;
import org.perestroika.core.gerrit.ChangeRef;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.scheduler.Scheduler;
import org.perestroika.scheduler.SchedulerListener;
import org.perestroika.scheduler.dispatch.LocalDispatcher;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.DatabaseLocation;
import org.perestroika.scheduler.queue.JdbcBuildStore;
import org.perestroika.scheduler.queue.NewBuild;
import org.perestroika.scheduler.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A burst of patch-set-created events through a real {@link Scheduler}: embedded H2 store, local
 * dispatch over a builder whose builds take a fixed time. Each round, on a fresh database:
 *
 * <ol>
 *   <li>burst: {@code changes * patchsets} events, each change's patch sets in order but the
 *       changes interleaved (shuffled with a fixed seed), handed to {@link Scheduler#onEvent} from
 *       one thread as fast as it takes them, as the SSH event stream does;
 *   <li>paced: one more patch set of each change, each sent once a dispatcher slot is free (fewer
 *       builds in flight than slots), so that every one is dispatched without waiting for a slot;
 *   <li>store: {@code baseline} enqueue + start round trips on the same database, straight to the
 *       store, as the same-round baseline.
 * </ol>
 *
 * <p>Writes {@code round, measure, milliseconds} lines to samples.tsv and {@code round, count,
 * value} lines to counts.tsv in the output directory; round 0 is the warm-up. Prints progress to
 * stderr. Times are {@link System#nanoTime} stamps taken on the threads where things happen.
 */
public final class SchedulerBurst {
  private static final Logger log = LoggerFactory.getLogger(SchedulerBurst.class);
  private static final String SERVER = "gerrit";
  private static final String CUSTOMER = "acme";
  private static final String BRANCH = "master";
  private static final Dist DIST =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  private static final Account UPLOADER =
      new Account(Optional.of("Developer"), Optional.empty(), Optional.of("dev"));

  /** Threads that died of an uncaught exception: name, exception, the Scheduler's own frame. */
  private static final Queue<String> DEATHS = new ConcurrentLinkedQueue<>();

  private final Path work;
  private final Path out;
  private final int changes;
  private final int patchsets;
  private final int paced;
  private final int baseline;
  private final int slots;
  private final Duration buildTime;
  private final long seed;
  private final Clock clock = Clock.systemUTC();
  private final Router router;

  private SchedulerBurst(Map<String, String> options) {
    work = Path.of(options.get("work")).toAbsolutePath();
    out = Path.of(options.get("out")).toAbsolutePath();
    changes = Integer.parseInt(options.get("changes"));
    patchsets = Integer.parseInt(options.get("patchsets"));
    paced = Math.min(changes, Integer.parseInt(options.get("paced")));
    baseline = Integer.parseInt(options.get("baseline"));
    slots = Integer.parseInt(options.get("slots"));
    buildTime = Duration.ofMillis(Long.parseLong(options.get("build-ms")));
    seed = Long.parseLong(options.get("seed"));
    router =
        new Router(
            new SchedulerConfig(
                "127.0.0.1:0",
                Optional.empty(),
                "local",
                slots,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                Map.of(
                    CUSTOMER,
                    new SchedulerConfig.Customer(
                        CUSTOMER,
                        SERVER,
                        Map.of(
                            "mos10.0",
                            new SchedulerConfig.ReleaseRoute(
                                "mos10.0", List.of(BRANCH), List.of(DIST.name()), "proposed")))),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            Map.of(DIST.name(), DIST));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("rounds", "5");
    options.put("changes", "50");
    options.put("patchsets", "4");
    options.put("paced", "50");
    options.put("baseline", "200");
    options.put("slots", Integer.toString(Runtime.getRuntime().availableProcessors()));
    options.put("build-ms", "200");
    options.put("seed", "42");
    List<String> known = new ArrayList<>(options.keySet());
    known.addAll(List.of("work", "out"));
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].replaceFirst("^--", "");
      if (!args[i].startsWith("--") || !known.contains(name) || i + 1 == args.length) {
        throw new IllegalArgumentException("usage: --work DIR --out DIR [--NAME VALUE]: " + known);
      }
      options.put(name, args[i + 1]);
    }
    if (!options.containsKey("work") || !options.containsKey("out")) {
      throw new IllegalArgumentException("--work DIR and --out DIR are needed");
    }
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          String frame =
              Stream.of(e.getStackTrace())
                  .filter(f -> f.getClassName().equals(Scheduler.class.getName()))
                  .map(f -> f.getFileName() + ":" + f.getLineNumber())
                  .findFirst()
                  .orElse("?");
          DEATHS.add(thread.getName() + "\t" + e + "\t" + frame);
          System.err.println("[scheduler] thread " + thread.getName() + " died: " + e);
          e.printStackTrace();
        });
    SchedulerBurst bench = new SchedulerBurst(options);
    int rounds = Integer.parseInt(options.get("rounds"));
    Files.createDirectories(bench.out);
    for (int round = 0; round <= rounds; round++) {
      bench.round(round);
    }
  }

  private void round(int round) throws Exception {
    log.info("round {} begins", round);
    Path dir = work.resolve("round-" + round);
    delete(dir);
    Files.createDirectories(dir);
    Traces traces = new Traces();
    List<Trace> burst = burst(traces);
    List<Trace> pacedTraces = new ArrayList<>();
    for (int c = 0; c < paced; c++) {
      Trace trace = new Trace(change(c, patchsets + 1), true);
      traces.add(trace);
      pacedTraces.add(trace);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    List<String[]> samples = new ArrayList<>();
    long deadline = Duration.ofSeconds(60).toNanos() + 2 * buildTime.toNanos() * burst.size();

    JdbcBuildStore store =
        JdbcBuildStore.open(DatabaseLocation.embedded(dir.resolve("state")), clock);
    TracingStore tracing = new TracingStore(store, traces);
    BurstBuilder builder = new BurstBuilder(traces, buildTime);
    SchedulerListener listener =
        new SchedulerListener() {
          @Override
          public void buildQueued(BuildRecord build) {
            traces.queued(build, System.nanoTime());
          }

          @Override
          public void buildDispatched(BuildRecord build, Duration waited) {
            long now = System.nanoTime();
            traces.byId(build.id()).ifPresent(t -> t.listenerDispatched = now);
          }
        };
    try (LocalDispatcher dispatcher = new LocalDispatcher(builder, slots);
        Scheduler scheduler =
            new Scheduler(
                router,
                tracing,
                Map.of(SERVER, new BurstGerrit(traces)),
                Map.of(SERVER, new BurstSources()),
                builder,
                new BurstPublisher(traces),
                dispatcher,
                Map.of(DIST.name(), DIST),
                BuildLimits.DEFAULTS,
                dir.resolve("builds"),
                "http://localhost:8080",
                clock,
                listener)) {
      scheduler.start();

      long burstStarted = System.nanoTime();
      for (Trace trace : burst) {
        deliver(scheduler, tracing, trace);
      }
      long burstTook = System.nanoTime() - burstStarted;
      boolean drained = traces.await(burst, 0, System.nanoTime() + deadline);
      // A build cancelled while running is settled before its worker has unwound it.
      while (burst.stream().anyMatch(t -> t.builderStarted != 0 && t.builderEnded == 0)
          && System.nanoTime() - burstStarted < deadline) {
        Thread.sleep(1);
      }

      long pacedStarted = System.nanoTime();
      boolean pacedDrained = true;
      for (int i = 0; i < pacedTraces.size() && pacedDrained; i++) {
        pacedDrained =
            traces.await(pacedTraces.subList(0, i), slots - 1, System.nanoTime() + deadline);
        deliver(scheduler, tracing, pacedTraces.get(i));
      }
      pacedDrained = pacedDrained && traces.await(pacedTraces, 0, System.nanoTime() + deadline);
      long pacedTook = System.nanoTime() - pacedStarted;

      counts.put("drain-timeouts", (drained ? 0L : 1L) + (pacedDrained ? 0L : 1L));
      counts.put("left-unfinished", (long) store.unfinished().size());
      Map<BuildState, Long> states = new HashMap<>();
      for (Trace trace : burst) {
        store.get(trace.storeId).ifPresent(b -> states.merge(b.state(), 1L, Long::sum));
      }
      for (BuildState state : BuildState.values()) {
        counts.put("burst-state-" + state.name().toLowerCase(), states.getOrDefault(state, 0L));
      }
      burstCounts(round, burst, traces, counts);
      pacedCounts(pacedTraces, counts);
      counts.put("burst-ms", burstTook / 1_000_000);
      counts.put("paced-ms", pacedTook / 1_000_000);
      latencies(burst, pacedTraces, samples);
    }

    // The same-round baseline: the store alone, with the scheduler stopped.
    for (int i = 0; i < baseline; i++) {
      NewBuild build =
          new NewBuild(
              BuildTrigger.REVIEW,
              SERVER,
              Optional.of(90_000 + i),
              Optional.of(1),
              CUSTOMER + "/openstack/baseline",
              BRANCH,
              CUSTOMER,
              "mos10.0",
              DIST.name(),
              "baseline",
              String.format("%040x", 90_000_000L + i),
              Optional.of(BurstGerrit.BRANCH_HEAD),
              BurstBuilder.ENVIRONMENT);
      long started = System.nanoTime();
      BuildRecord record = store.enqueue(build, "review/CR-" + (90_000 + i));
      if (!store.start(record.id(), clock.instant())) {
        throw new IllegalStateException("the store did not start " + record.buildId());
      }
      samples.add(sample("store-round-trip", System.nanoTime() - started));
    }
    store.close();
    List<String> deaths = new ArrayList<>();
    for (String death = DEATHS.poll(); death != null; death = DEATHS.poll()) {
      deaths.add(round + "\t" + death);
    }
    counts.put("thread-deaths", (long) deaths.size());
    if (!deaths.isEmpty()) {
      try (PrintWriter w = writer(out.resolve("deaths.tsv"))) {
        deaths.forEach(w::println);
      }
    }
    write(round, samples, counts);
    System.err.printf(
        "[scheduler] round %d: %d events in %d ms, %d dispatched, %d ran to the end, %d"
            + " superseded ran to the end%n",
        round,
        burst.size(),
        counts.get("burst-ms"),
        counts.get("dispatched"),
        counts.get("ran-to-end"),
        counts.get("superseded-ran-to-end"));
    delete(dir);
  }

  /**
   * Every change's patch sets 1 to {@code patchsets}, in order within the change; which change's
   * next patch set comes next is shuffled with the fixed seed, the same in every round.
   */
  private List<Trace> burst(Traces traces) {
    List<Integer> order = new ArrayList<>();
    for (int c = 0; c < changes; c++) {
      for (int p = 0; p < patchsets; p++) {
        order.add(c);
      }
    }
    Collections.shuffle(order, new Random(seed));
    int[] next = new int[changes];
    List<Trace> burst = new ArrayList<>();
    for (int c : order) {
      Trace trace = new Trace(change(c, ++next[c]), false);
      traces.add(trace);
      burst.add(trace);
    }
    return burst;
  }

  private static ChangeRef change(int index, int patchset) {
    int number = 1001 + index;
    return new ChangeRef(
        number,
        String.format("I%040x", number),
        String.format("%s/openstack/pkg%02d", CUSTOMER, index),
        BRANCH,
        Optional.empty(),
        patchset,
        ChangeRef.expectedRef(number, patchset),
        String.format("%040x", number * 1000L + patchset));
  }

  private void deliver(Scheduler scheduler, TracingStore tracing, Trace trace) {
    GerritEvent event =
        new GerritEvent.PatchsetCreated(clock.instant(), trace.change, Optional.of(UPLOADER));
    tracing.handling(trace);
    trace.arrived = System.nanoTime();
    scheduler.onEvent(SERVER, event);
    trace.handled = System.nanoTime();
    tracing.handling(null);
  }

  private void burstCounts(int round, List<Trace> burst, Traces traces, Map<String, Long> counts)
      throws IOException {
    long dispatched = 0;
    long ranToEnd = 0;
    long cancelledQueued = 0;
    long cancelledRunning = 0;
    long supersededRan = 0;
    long ranBeforeSuccessor = 0;
    long dispatchedAfterSuccessor = 0;
    long publishedAfterSuccessor = 0;
    long votedAfterSuccessor = 0;
    long cancelledButRan = 0;
    long votesFor = 0;
    long votesAgainst = 0;
    long notQueued = 0;
    for (Trace t : burst) {
      notQueued += t.queued == 0 ? 1 : 0;
      dispatched += t.builderStarted != 0 ? 1 : 0;
      ranToEnd += t.ranToEnd ? 1 : 0;
      cancelledQueued += t.cancelled && t.builderStarted == 0 ? 1 : 0;
      cancelledRunning += t.cancelled && t.builderStarted != 0 ? 1 : 0;
      cancelledButRan += t.cancelled && t.ranToEnd ? 1 : 0;
      votesFor += t.reviewed != 0 && t.vote > 0 ? 1 : 0;
      votesAgainst += t.reviewed != 0 && t.vote <= 0 ? 1 : 0;
      Optional<Trace> successor = traces.of(t.change.number(), t.change.patchset() + 1);
      if (successor.isEmpty() || successor.get().paced) {
        continue;
      }
      long next = successor.get().arrived;
      if (t.ranToEnd && t.builderEnded > next) {
        supersededRan++;
        superseded(round, t, next);
      } else if (t.ranToEnd) {
        ranBeforeSuccessor++;
      }
      dispatchedAfterSuccessor += t.builderStarted > next ? 1 : 0;
      publishedAfterSuccessor += t.published > next ? 1 : 0;
      votedAfterSuccessor += t.reviewed > next ? 1 : 0;
    }
    counts.put("events", (long) burst.size());
    counts.put("not-queued", notQueued);
    counts.put("dispatched", dispatched);
    counts.put("ran-to-end", ranToEnd);
    counts.put("cancelled-queued", cancelledQueued);
    counts.put("cancelled-running", cancelledRunning);
    counts.put("superseded-ran-to-end", supersededRan);
    counts.put("ran-before-successor", ranBeforeSuccessor);
    counts.put("dispatched-after-successor", dispatchedAfterSuccessor);
    counts.put("published-after-successor", publishedAfterSuccessor);
    counts.put("voted-after-successor", votedAfterSuccessor);
    counts.put("cancelled-but-ran-to-end", cancelledButRan);
    counts.put("votes-plus", votesFor);
    counts.put("votes-minus", votesAgainst);
  }

  /**
   * Records when things happened to a build that ran to the end although its successor had arrived
   * before it ended, in milliseconds from the successor's event (empty: did not happen).
   */
  private void superseded(int round, Trace t, long successor) throws IOException {
    List<String> stamps = new ArrayList<>();
    for (long stamp :
        new long[] {
          t.queued,
          t.storeStarted,
          t.cancelledAt,
          t.listenerDispatched,
          t.builderStarted,
          t.builderEnded,
          t.published
        }) {
      stamps.add(stamp == 0 ? "" : String.format("%+.3f", (stamp - successor) / 1e6));
    }
    try (PrintWriter w = writer(out.resolve("superseded.tsv"))) {
      w.printf("%d\t%s\t%s%n", round, t.change.label(), String.join("\t", stamps));
    }
  }

  private static void pacedCounts(List<Trace> paced, Map<String, Long> counts) {
    counts.put("paced-events", (long) paced.size());
    counts.put("paced-dispatched", paced.stream().filter(t -> t.builderStarted != 0).count());
    counts.put("paced-ran-to-end", paced.stream().filter(t -> t.ranToEnd).count());
  }

  private void latencies(List<Trace> burst, List<Trace> paced, List<String[]> samples) {
    // The first wave: builds handed to the builder before any build had left its slot.
    long firstRelease =
        burst.stream()
            .mapToLong(t -> t.builderEnded)
            .filter(e -> e != 0)
            .min()
            .orElse(Long.MAX_VALUE);
    for (Trace t : burst) {
      if (t.queued != 0) {
        samples.add(sample("burst-enqueued", t.queued - t.arrived));
        samples.add(sample("burst-handled", t.handled - t.arrived));
        samples.add(sample("burst-store", t.storeNanos));
      }
      if (t.builderStarted != 0) {
        samples.add(sample("burst-dispatched", t.builderStarted - t.arrived));
        if (t.builderStarted < firstRelease) {
          samples.add(sample("first-wave-dispatched", t.builderStarted - t.arrived));
        }
      }
    }
    for (Trace t : paced) {
      if (t.queued != 0) {
        samples.add(sample("paced-enqueued", t.queued - t.arrived));
        samples.add(sample("paced-store", t.storeNanos));
      }
      if (t.builderStarted != 0) {
        samples.add(sample("paced-dispatched", t.builderStarted - t.arrived));
        samples.add(sample("paced-queue-to-builder", t.builderStarted - t.queued));
        samples.add(sample("paced-listener-to-builder", t.builderStarted - t.listenerDispatched));
      }
    }
  }

  private static String[] sample(String measure, long nanos) {
    return new String[] {measure, String.format("%.3f", nanos / 1e6)};
  }

  private void write(int round, List<String[]> samples, Map<String, Long> counts)
      throws IOException {
    try (PrintWriter s = writer(out.resolve("samples.tsv"));
        PrintWriter c = writer(out.resolve("counts.tsv"))) {
      for (String[] sample : samples) {
        s.printf("%d\t%s\t%s%n", round, sample[0], sample[1]);
      }
      counts.forEach((name, value) -> c.printf("%d\t%s\t%d%n", round, name, value));
    }
  }

  private static PrintWriter writer(Path file) throws IOException {
    return new PrintWriter(
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
