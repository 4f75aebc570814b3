package org.perestroika.testing.jenkins;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How one triggered run of a {@link JenkinsStub} job goes: how long it waits in the queue, whether
 * it is cancelled there, the console it writes over its duration, its result and archived files.
 *
 * @param console the lines the build writes, revealed byte by byte over {@code duration}; the stub
 *     adds Jenkins' own {@code Finished: RESULT} line at the end
 * @param result how the build ends: SUCCESS, UNSTABLE, FAILURE, NOT_BUILT or ABORTED
 * @param artifacts archived files by relative path, listed and served once the build ended
 * @param queueDelay how long the queue item waits before an executor takes it
 * @param duration how long the build runs
 * @param cancelledInQueue the queue item is cancelled (as by hand) when its delay passes
 */
public record ScriptedRun(
    List<String> console,
    String result,
    Map<String, byte[]> artifacts,
    Duration queueDelay,
    Duration duration,
    boolean cancelledInQueue) {

  private static final Set<String> RESULTS =
      Set.of("SUCCESS", "UNSTABLE", "FAILURE", "NOT_BUILT", "ABORTED");

  public ScriptedRun {
    console = List.copyOf(console);
    if (!RESULTS.contains(result)) {
      throw new IllegalArgumentException("result '" + result + "' is not one of " + RESULTS);
    }
    Map<String, byte[]> copy = new LinkedHashMap<>();
    artifacts.forEach(
        (path, bytes) -> {
          if (path.isEmpty() || path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("artifact path '" + path + "' must be relative");
          }
          copy.put(path, bytes.clone());
        });
    artifacts = Collections.unmodifiableMap(copy);
    Objects.requireNonNull(queueDelay, "queueDelay");
    Objects.requireNonNull(duration, "duration");
    if (queueDelay.isNegative() || duration.isNegative()) {
      throw new IllegalArgumentException("queueDelay and duration cannot be negative");
    }
  }

  /** A run that starts at once and ends with {@code result} after writing {@code console}. */
  public static ScriptedRun ending(String result, String... console) {
    return new ScriptedRun(
        List.of(console), result, Map.of(), Duration.ZERO, Duration.ofMillis(200), false);
  }

  /** A run whose queue item is cancelled after {@code delay}, before any executor took it. */
  public static ScriptedRun cancelledInQueueAfter(Duration delay) {
    return new ScriptedRun(List.of(), "ABORTED", Map.of(), delay, Duration.ZERO, true);
  }

  public ScriptedRun withArtifact(String relativePath, byte[] content) {
    Map<String, byte[]> more = new LinkedHashMap<>(artifacts);
    more.put(relativePath, content);
    return new ScriptedRun(console, result, more, queueDelay, duration, cancelledInQueue);
  }

  public ScriptedRun withQueueDelay(Duration delay) {
    return new ScriptedRun(console, result, artifacts, delay, duration, cancelledInQueue);
  }

  public ScriptedRun withDuration(Duration runTime) {
    return new ScriptedRun(console, result, artifacts, queueDelay, runTime, cancelledInQueue);
  }
}
