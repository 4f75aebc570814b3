package org.perestroika.scheduler.http;

import java.nio.file.Path;
import java.util.Optional;
import org.perestroika.scheduler.queue.BuildRecord;

/** Where a build's log is, for serving it and following it live. */
@FunctionalInterface
public interface BuildLogs {

  /**
   * The file the build's log is written to: appended to while the build runs, and left in place
   * once it ended. Empty when the build has no log (it never ran, or its log was removed). The file
   * need not exist yet while the build is RUNNING; it is read once it appears.
   */
  Optional<Path> logOf(BuildRecord build);

  /** The logs saved at the end of builds only: nothing to follow while they run. */
  static BuildLogs saved() {
    return build -> build.logPath().map(Path::of);
  }
}
