package org.perestroika.scheduler.dispatch;

import java.util.function.Consumer;
import org.perestroika.core.model.BuildResult;

/**
 * Runs scheduled builds somewhere: on this host's worker pool, or as Jenkins jobs. Dispatchers
 * bound their own concurrency; {@link #run} blocks until the build ended.
 */
public interface Dispatcher extends AutoCloseable {

  /**
   * Runs the build to its end and returns its result, with artifacts and log in the request's
   * output directory. Streams log lines to {@code log} as they come, when the dispatcher can.
   *
   * @throws InterruptedException when the calling thread is interrupted: the build is cancelled
   *     wherever it runs before this returns
   * @throws org.perestroika.core.EnvironmentException when the build could not be run at all
   *     (retryable or not), as opposed to a build that ran and failed
   */
  BuildResult run(DispatchRequest request, Consumer<String> log) throws InterruptedException;

  /** How many builds may run at once. */
  int slots();

  @Override
  void close();
}
