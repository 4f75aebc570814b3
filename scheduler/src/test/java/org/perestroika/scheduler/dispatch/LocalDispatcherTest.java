package org.perestroika.scheduler.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.SourceCommits;
import org.perestroika.core.service.PackageBuilder;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.BuildTrigger;
import org.perestroika.scheduler.queue.NewBuild;

class LocalDispatcherTest {

  @Test
  void noMoreThanTheSlotsRunAtOnce() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    PackageBuilder builder =
        new PackageBuilder() {
          @Override
          public BuildResult build(BuildRequest request, Consumer<String> log)
              throws InterruptedException {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            Thread.sleep(200);
            now.decrementAndGet();
            throw new IllegalStateException("done: " + request.buildId());
          }

          @Override
          public String environmentId(Dist dist) {
            return "bookworm/1";
          }
        };
    LocalDispatcher dispatcher = new LocalDispatcher(builder, 2);
    Thread[] threads = new Thread[5];
    for (int i = 0; i < threads.length; i++) {
      threads[i] =
          new Thread(
              () -> {
                try {
                  dispatcher.run(request(), line -> {});
                } catch (RuntimeException | InterruptedException e) {
                  // Each fake build ends by throwing; only the concurrency matters here.
                }
              });
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(2, most.get());
    assertEquals(2, dispatcher.slots());
  }

  @Test
  void theBuildIsAskedToNameTheCommitsTheSourceCameFrom() throws Exception {
    List<BuildRequest> asked = new ArrayList<>();
    PackageBuilder builder =
        new PackageBuilder() {
          @Override
          public BuildResult build(BuildRequest request, Consumer<String> log) {
            asked.add(request);
            throw new IllegalStateException("only the request matters here");
          }

          @Override
          public String environmentId(Dist dist) {
            return "bookworm/1";
          }
        };
    DispatchRequest request = request();

    assertThrows(
        IllegalStateException.class,
        () -> new LocalDispatcher(builder, 1).run(request, line -> {}));

    assertEquals(
        new BuildRequest(
            "b1",
            request.source(),
            request.dist(),
            request.limits(),
            request.outDir(),
            Optional.of(new SourceCommits("1".repeat(40), "2".repeat(40)))),
        asked.get(0));
  }

  @Test
  void aPoolNeedsASlot() {
    assertThrows(IllegalArgumentException.class, () -> new LocalDispatcher(null, 0));
  }

  static DispatchRequest request() {
    NewBuild build =
        new NewBuild(
            BuildTrigger.MANUAL,
            "review",
            Optional.empty(),
            Optional.empty(),
            "acme/openstack/nova",
            "10.0",
            "acme",
            "mos10.0",
            "bookworm",
            "nova",
            "0".repeat(40),
            Optional.empty(),
            "bookworm/1");
    BuildRecord record =
        new BuildRecord(
            1,
            "b1",
            build,
            BuildState.RUNNING,
            Instant.EPOCH,
            Optional.empty(),
            Optional.empty(),
            "",
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return new DispatchRequest(
        record,
        Path.of("/src"),
        new Dist(
            "bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian")),
        BuildLimits.DEFAULTS,
        Path.of("/out"),
        new SourceCommits("1".repeat(40), "2".repeat(40)));
  }
}
