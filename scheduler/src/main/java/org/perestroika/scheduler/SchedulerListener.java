package org.perestroika.scheduler;

import java.time.Duration;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;

/** What the scheduler tells observers such as metrics; every method must return quickly. */
public interface SchedulerListener {

  /** An event arrived, {@code lag} after Gerrit created it. */
  default void eventReceived(GerritEvent event, Duration lag) {}

  default void buildQueued(BuildRecord build) {}

  /** A build was handed to the dispatcher, {@code waited} after it was queued. */
  default void buildDispatched(BuildRecord build, Duration waited) {}

  default void buildFinished(BuildRecord build, BuildState state, Duration took) {}
}
