package org.perestroika.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the scheduler's build workers did in each step of a push, from its flight recording: how
 * long they waited (parked, in Object.wait, reading a socket), and how often they were sampled
 * running, each by the innermost method of the project's own on the stack. Two figures are picked
 * out for the publish step, whose Java part the command log cannot time: the wait for the base
 * distro's InRelease files from the mirror, and the time spent reading the cached Packages index.
 */
final class FlightRecording {
  private static final Set<String> WAITS =
      Set.of("jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.SocketRead", "jdk.FileRead");
  private static final Set<String> SAMPLES =
      Set.of("jdk.ExecutionSample", "jdk.NativeMethodSample");
  private static final String OURS = "org.perestroika.";

  /** One event of a build worker: when, how long (zero for a sample), what, and its stack. */
  private record Event(Instant at, Duration took, boolean sample, List<String> frames) {
    /** The innermost frame of the project's own code, lambdas left out. */
    String ours() {
      for (String frame : frames) {
        if (frame.startsWith(OURS) && !frame.contains("$$Lambda") && !frame.contains("lambda$")) {
          return frame.substring(OURS.length());
        }
      }
      return "(outside the project's code)";
    }

    boolean within(String method) {
      return frames.stream().anyMatch(f -> f.equals(OURS + method));
    }
  }

  private final List<Event> events;

  private FlightRecording(List<Event> events) {
    this.events = events;
  }

  static FlightRecording read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      String type = event.getEventType().getName();
      boolean sample = SAMPLES.contains(type);
      if (!sample && !WAITS.contains(type)) {
        continue;
      }
      RecordedThread thread =
          sample ? event.getThread("sampledThread") : event.getThread("eventThread");
      RecordedStackTrace stack = event.getStackTrace();
      if (thread == null
          || thread.getJavaName() == null
          || !thread.getJavaName().startsWith("build-worker")
          || stack == null) {
        continue;
      }
      List<String> frames = new ArrayList<>();
      for (RecordedFrame frame : stack.getFrames()) {
        frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
      }
      events.add(
          new Event(
              event.getStartTime(), sample ? Duration.ZERO : event.getDuration(), sample, frames));
    }
    return new FlightRecording(events);
  }

  /**
   * Per step of the push: {@code jfr:<step>:wait:<method>} in seconds and {@code
   * jfr:<step>:samples:<method>} as a count; for the publish step also {@code
   * jfr:s7-publish:mirror-download} (waits within BaseDistroIndex.download) and {@code
   * jfr:s7-publish:read-packages} (from the first to the last sample within
   * BaseDistroIndex.readSourceVersions).
   */
  Map<String, Double> measures(PushToVote.Stamps stamps) {
    Map<String, Double> measures = new LinkedHashMap<>();
    stamps
        .steps()
        .forEach(
            (step, span) -> {
              Instant[] read = new Instant[2];
              for (Event event : events) {
                if (event.at().isBefore(span[0]) || !event.at().isBefore(span[1])) {
                  continue;
                }
                String key =
                    "jfr:" + step + (event.sample() ? ":samples:" : ":wait:") + event.ours();
                measures.merge(key, event.sample() ? 1.0 : clipped(event, span), Double::sum);
                if (step.equals("s7-publish")) {
                  if (!event.sample()
                      && event.within("publisher.upstream.BaseDistroIndex.download")) {
                    measures.merge(
                        "jfr:s7-publish:mirror-download", clipped(event, span), Double::sum);
                  }
                  if (event.sample()
                      && event.within("publisher.upstream.BaseDistroIndex.readSourceVersions")) {
                    // The recording's events are in chunk order, not time order.
                    if (read[0] == null || event.at().isBefore(read[0])) {
                      read[0] = event.at();
                    }
                    if (read[1] == null || event.at().isAfter(read[1])) {
                      read[1] = event.at();
                    }
                  }
                }
              }
              if (read[0] != null) {
                measures.put(
                    "jfr:s7-publish:read-packages",
                    Duration.between(read[0], read[1]).toNanos() / 1e9);
              }
            });
    return measures;
  }

  /** The part of a wait within the step: a worker parks at the end of one for the next build. */
  private static double clipped(Event event, Instant[] span) {
    Instant end = event.at().plus(event.took());
    Duration within = Duration.between(event.at(), end.isAfter(span[1]) ? span[1] : end);
    return within.toNanos() / 1e9;
  }
}
