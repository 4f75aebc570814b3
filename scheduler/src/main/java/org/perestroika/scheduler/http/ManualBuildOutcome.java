package org.perestroika.scheduler.http;

import java.util.Objects;
import org.perestroika.scheduler.queue.BuildRecord;

/** What became of a manual build request: a scheduled build, or a reason it was refused. */
public sealed interface ManualBuildOutcome {

  /** The build was queued. */
  record Scheduled(BuildRecord build) implements ManualBuildOutcome {
    public Scheduled {
      Objects.requireNonNull(build, "build");
    }
  }

  /** Nothing was queued, for a reason the requester can act on. */
  record Rejected(String reason) implements ManualBuildOutcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
