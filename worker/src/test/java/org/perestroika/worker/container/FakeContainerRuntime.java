package org.perestroika.worker.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A {@link ContainerRuntime} in memory: records every container it is asked to run and answers from
 * a script, keeps a list of containers for listing and removal, and keeps images as labels.
 */
public final class FakeContainerRuntime implements ContainerRuntime {

  /** What one scripted container does: it may write to its bound host directories. */
  @FunctionalInterface
  public interface Script {
    ContainerExit run(ContainerSpec spec, Consumer<String> output)
        throws IOException, InterruptedException;
  }

  /** One call of {@link #run}. */
  public record Run(ContainerSpec spec, Duration timeout) {}

  /** One call of {@link #buildImage}, with the context directory's files as they were then. */
  public record Build(
      Path contextDir, String reference, Map<String, String> labels, Map<String, byte[]> files) {}

  private final Deque<Script> scripts = new ArrayDeque<>();
  private final List<Run> runs = new ArrayList<>();
  private final List<ContainerInfo> containers = new ArrayList<>();
  private final List<String> removed = new ArrayList<>();
  private final List<String> started = new ArrayList<>();
  private final Map<String, Map<String, String>> images = new LinkedHashMap<>();
  private final List<Build> builds = new ArrayList<>();
  private int nextId = 1;
  private boolean closed;

  /** The next container runs this script. */
  public synchronized FakeContainerRuntime thenRun(Script script) {
    scripts.addLast(script);
    return this;
  }

  /** The next container prints these lines and then ends as {@code exit} says. */
  public FakeContainerRuntime thenExit(ContainerExit exit, String... lines) {
    List<String> output = List.of(lines);
    return thenRun(
        (spec, sink) -> {
          output.forEach(sink);
          return exit;
        });
  }

  /** Adds a container, as if another process had started it. */
  public synchronized FakeContainerRuntime withContainer(String id, Map<String, String> labels) {
    containers.add(new ContainerInfo(id, labels));
    return this;
  }

  /** Adds an image with these labels. */
  public synchronized FakeContainerRuntime withImage(String reference, Map<String, String> labels) {
    images.put(reference, Map.copyOf(labels));
    return this;
  }

  /** The host directory bound at {@code containerPath} in a spec. */
  public static Path hostPath(ContainerSpec spec, String containerPath) {
    return spec.binds().stream()
        .filter(bind -> bind.containerPath().equals(containerPath))
        .map(ContainerSpec.BindMount::hostPath)
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing is bound at " + containerPath));
  }

  public synchronized List<Run> runs() {
    return List.copyOf(runs);
  }

  public synchronized List<ContainerInfo> containers() {
    return List.copyOf(containers);
  }

  public synchronized List<String> removed() {
    return List.copyOf(removed);
  }

  public synchronized List<Build> builds() {
    return List.copyOf(builds);
  }

  public synchronized boolean closed() {
    return closed;
  }

  @Override
  public void ping() {
    // The fake engine always answers.
  }

  @Override
  public synchronized Optional<Map<String, String>> imageLabels(String reference) {
    return Optional.ofNullable(images.get(reference));
  }

  @Override
  public synchronized void buildImage(
      Path contextDir, String reference, Map<String, String> labels, Consumer<String> progress) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> entries = Files.list(contextDir)) {
      for (Path file : entries.sorted().toList()) {
        files.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    builds.add(new Build(contextDir, reference, Map.copyOf(labels), files));
    images.put(reference, Map.copyOf(labels));
    progress.accept("Successfully tagged " + reference);
  }

  /**
   * Runs the next script. While it runs the container is listed with the spec's labels, and it is
   * removed afterwards whatever happened, as the real runtime does.
   */
  @Override
  public ContainerExit run(ContainerSpec spec, Duration timeout, Consumer<String> output)
      throws InterruptedException {
    Script script;
    String id;
    synchronized (this) {
      runs.add(new Run(spec, timeout));
      script = scripts.pollFirst();
      if (script == null) {
        throw new IllegalStateException("no container run scripted for " + spec.command());
      }
      id = "fake%012d".formatted(nextId++);
      containers.add(new ContainerInfo(id, spec.labels()));
      started.add(id);
    }
    try {
      return script.run(spec, output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      remove(id);
    }
  }

  @Override
  public synchronized List<ContainerInfo> listByLabel(String labelKey) {
    return containers.stream().filter(c -> c.labels().containsKey(labelKey)).toList();
  }

  @Override
  public synchronized void remove(String containerId) {
    removed.add(containerId);
    containers.removeIf(c -> c.id().equals(containerId));
    started.remove(containerId);
  }

  @Override
  public synchronized void shutdown() {
    for (String id : List.copyOf(started)) {
      remove(id);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
