package org.perestroika.publisher;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a publish's independent steps several at once (signing suites, indexing repositories): each
 * is a few short tool runs that mostly wait on process start-up.
 */
public final class SideBySide {
  /** Enough to keep two cores busy while each run waits on its own start-up. */
  public static final int THREADS = 3;

  private SideBySide() {}

  /**
   * Runs every task and waits for all of them, so nothing still writes into a snapshot that a
   * failure is about to delete; the first failure is thrown, the others suppressed.
   */
  public static void runAll(List<Runnable> work) {
    if (work.isEmpty()) {
      return;
    }
    ExecutorService threads = Executors.newFixedThreadPool(Math.min(THREADS, work.size()));
    try {
      List<Future<?>> running = work.stream().<Future<?>>map(threads::submit).toList();
      RuntimeException failure = null;
      boolean interrupted = false;
      for (Future<?> task : running) {
        while (true) {
          try {
            task.get();
            break;
          } catch (ExecutionException e) {
            RuntimeException cause =
                e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
            if (failure == null) {
              failure = cause;
            } else {
              failure.addSuppressed(cause);
            }
            break;
          } catch (InterruptedException e) {
            interrupted = true; // still wait: the task works in the snapshot
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      threads.shutdown();
    }
  }
}
