package org.perestroika.worker.container.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.perestroika.core.EnvironmentException;
import org.perestroika.worker.container.ContainerExit;
import org.perestroika.worker.container.ContainerInfo;
import org.perestroika.worker.container.ContainerRuntime;
import org.perestroika.worker.container.ContainerSpec;

/** {@link ContainerRuntime} on a Docker engine, through docker-java's httpclient5 transport. */
public final class DockerContainerRuntime implements ContainerRuntime {
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int REMOVE_ATTEMPTS = 25;
  private static final Duration REMOVE_RETRY_PAUSE = Duration.ofMillis(200);

  private final URI dockerHost;
  private final DockerClient client;
  private final Set<String> started = ConcurrentHashMap.newKeySet();

  /** Guards creating a container and recording it, so shutdown never misses one in flight. */
  private final Object creation = new Object();

  private boolean shuttingDown;

  public DockerContainerRuntime(URI dockerHost) {
    this.dockerHost = dockerHost;
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(dockerHost.toString())
            .build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .connectionTimeout(Duration.ofSeconds(10))
            .maxConnections(64)
            .build();
    this.client = DockerClientImpl.getInstance(config, http);
  }

  @Override
  public void ping() {
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  @Override
  public Optional<Map<String, String>> imageLabels(String reference) {
    try {
      InspectImageResponse image = call(() -> client.inspectImageCmd(reference).exec());
      Map<String, String> labels = image.getConfig() == null ? null : image.getConfig().getLabels();
      return Optional.of(labels == null ? Map.of() : labels);
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void buildImage(
      Path contextDir, String reference, Map<String, String> labels, Consumer<String> progress) {
    call(
        () ->
            client
                .buildImageCmd(contextDir.toFile())
                .withTags(Set.of(reference))
                .withLabels(labels)
                .withNetworkMode("host")
                .withPull(false)
                .exec(
                    new BuildImageResultCallback() {
                      @Override
                      public void onNext(BuildResponseItem item) {
                        if (item.getStream() != null && !item.getStream().isBlank()) {
                          progress.accept(item.getStream().stripTrailing());
                        }
                        super.onNext(item);
                      }
                    })
                .awaitImageId());
  }

  @Override
  public ContainerExit run(ContainerSpec spec, Duration timeout, Consumer<String> output)
      throws InterruptedException {
    String id;
    synchronized (creation) {
      if (shuttingDown) {
        throw new InterruptedException("shutting down: no new build containers");
      }
      id =
          call(
              () ->
                  client
                      .createContainerCmd(spec.image())
                      .withCmd(spec.command())
                      .withWorkingDir(spec.workingDir())
                      .withLabels(spec.labels())
                      .withHostConfig(hostConfig(spec))
                      .exec()
                      .getId());
      started.add(id);
    }
    try {
      call(() -> client.startContainerCmd(id).exec());
      try (LineCallback lines = new LineCallback(output)) {
        client
            .logContainerCmd(id)
            .withStdOut(true)
            .withStdErr(true)
            .withFollowStream(true)
            .exec(lines);
        Integer status;
        try (WaitContainerResultCallback waiting =
            client.waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
          status = waiting.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (DockerClientException e) {
          if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for container " + id);
          }
          status = null;
        }
        if (status == null) {
          stopQuietly(id);
          return new ContainerExit(-1, true);
        }
        // The log stream ends shortly after the container; wait so that no line is lost.
        lines.awaitCompletion(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        return new ContainerExit(status, false);
      } catch (IOException e) {
        throw new EnvironmentException("lost the log stream of container " + id, true, e);
      }
    } finally {
      remove(id);
    }
  }

  @Override
  public List<ContainerInfo> listByLabel(String labelKey) {
    return call(
        () ->
            client
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(List.of(labelKey))
                .exec()
                .stream()
                .map(
                    c ->
                        new ContainerInfo(
                            c.getId(), c.getLabels() == null ? Map.of() : c.getLabels()))
                .toList());
  }

  @Override
  public void remove(String containerId) {
    // The engine answers 409 while a container is still starting or another removal runs;
    // both pass within moments, so removal waits them out instead of leaving the container.
    for (int attempt = 1; ; attempt++) {
      try {
        client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        break;
      } catch (NotFoundException e) {
        break; // Already gone: removal is idempotent.
      } catch (ConflictException e) {
        if (attempt == REMOVE_ATTEMPTS) {
          throw unreachableOr(e);
        }
        pause(REMOVE_RETRY_PAUSE);
      } catch (RuntimeException e) {
        throw unreachableOr(e);
      }
    }
    started.remove(containerId);
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void shutdown() {
    synchronized (creation) {
      shuttingDown = true;
    }
    for (String id : List.copyOf(started)) {
      try {
        remove(id);
      } catch (RuntimeException e) {
        // Best effort at shutdown; the reaper removes whatever is left at the next start.
      }
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // Closing an HTTP client that failed to connect has nothing to release.
    }
  }

  private static HostConfig hostConfig(ContainerSpec spec) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withBinds(
                spec.binds().stream()
                    .map(
                        b ->
                            new Bind(
                                b.hostPath().toString(),
                                new Volume(b.containerPath()),
                                b.readOnly() ? AccessMode.ro : AccessMode.rw))
                    .toList())
            .withTmpFs(spec.tmpfs())
            .withNetworkMode(spec.network() == ContainerSpec.Network.HOST ? "host" : "none")
            .withMemory(spec.memoryBytes())
            .withMemorySwap(spec.memoryBytes())
            .withPidsLimit(spec.pids())
            .withReadonlyRootfs(spec.readOnlyRoot());
    if (spec.mountCapable()) {
      // --privileged is refused on some hosts; this is the narrower set that mounting needs.
      host.withCapAdd(Capability.SYS_ADMIN)
          .withSecurityOpts(List.of("apparmor=unconfined", "seccomp=unconfined"));
    }
    return host;
  }

  private void stopQuietly(String id) {
    try {
      client.killContainerCmd(id).exec();
    } catch (RuntimeException e) {
      // It may have exited on its own in the meantime; removal follows regardless.
    }
  }

  private <T> T call(java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (NotFoundException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unreachableOr(e);
    }
  }

  private RuntimeException unreachableOr(RuntimeException e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    if (root instanceof IOException) {
      return unreachable(e);
    }
    return new EnvironmentException(
        "Docker engine at " + dockerHost + ": " + e.getMessage(), false, e);
  }

  private EnvironmentException unreachable(RuntimeException e) {
    return new EnvironmentException(
        "the Docker engine at "
            + dockerHost
            + " is not reachable ("
            + e.getMessage()
            + "). Start it with `perestroika setup`, or by hand: dockerd --bridge=none"
            + " --iptables=false --ip-masq=false --host unix:///var/run/docker.sock &",
        true,
        e);
  }

  /** Reassembles Docker's output frames into whole lines per stream. */
  private static final class LineCallback extends ResultCallback.Adapter<Frame> {
    private final Consumer<String> output;
    private final Map<StreamType, StringBuilder> partial = new EnumMap<>(StreamType.class);

    LineCallback(Consumer<String> output) {
      this.output = output;
    }

    @Override
    public synchronized void onNext(Frame frame) {
      StringBuilder pending =
          partial.computeIfAbsent(frame.getStreamType(), t -> new StringBuilder());
      pending.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
      int newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        output.accept(pending.substring(0, newline));
        pending.delete(0, newline + 1);
      }
    }

    @Override
    public synchronized void onComplete() {
      partial.values().stream()
          .filter(p -> p.length() > 0)
          .forEach(p -> output.accept(p.toString()));
      partial.clear();
      super.onComplete();
    }
  }
}
