package org.perestroika.scheduler.dispatch;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.service.PackageBuilder;

/** Runs builds on this host's worker, at most {@code slots} at once. */
public final class LocalDispatcher implements Dispatcher {
  private final PackageBuilder builder;
  private final int slots;
  private final Semaphore free;

  public LocalDispatcher(PackageBuilder builder, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("a worker pool needs at least one slot");
    }
    this.builder = builder;
    this.slots = slots;
    this.free = new Semaphore(slots, true);
  }

  @Override
  public BuildResult run(DispatchRequest request, Consumer<String> log)
      throws InterruptedException {
    free.acquire();
    try {
      return builder.build(
          new BuildRequest(
              request.build().buildId(),
              request.source(),
              request.dist(),
              request.limits(),
              request.outDir(),
              Optional.of(request.commits())),
          log);
    } finally {
      free.release();
    }
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public void close() {
    // Builds in flight belong to their callers' threads, which cancel them by interruption.
  }
}
