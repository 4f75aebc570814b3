package org.perestroika.worker.container;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The worker's only way to a container engine. Implementations translate engine faults into {@link
 * org.perestroika.core.EnvironmentException} with a message that says how to fix them.
 */
public interface ContainerRuntime extends AutoCloseable {

  /** Fails with an EnvironmentException naming the engine's address when it does not answer. */
  void ping();

  /** The image's labels, or empty when no image has that reference. */
  Optional<Map<String, String>> imageLabels(String reference);

  /**
   * Builds an image from a directory holding a Dockerfile, with host networking for package
   * downloads, and labels it. Build output lines go to {@code progress}.
   */
  void buildImage(
      Path contextDir, String reference, Map<String, String> labels, Consumer<String> progress);

  /**
   * Creates and starts a container, streams its output line by line to {@code output}, waits for it
   * to exit or for {@code timeout} to pass (then kills it), and always removes it, also when this
   * thread is interrupted.
   */
  ContainerExit run(ContainerSpec spec, Duration timeout, Consumer<String> output)
      throws InterruptedException;

  /** Every container, running or not, carrying the label key. */
  List<ContainerInfo> listByLabel(String labelKey);

  /** Removes a container whether or not it runs; a container already gone is not an error. */
  void remove(String containerId);

  /**
   * For JVM shutdown: refuses to create any more containers, waits for a creation under way to
   * finish, and removes every container this runtime created and has not yet removed.
   */
  void shutdown();

  @Override
  void close();
}
