package org.perestroika.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.perestroika.core.config.SchedulerConfig;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.model.Dist;
import org.perestroika.core.service.PackageBuilder;
import org.perestroika.scheduler.Scheduler;
import org.perestroika.scheduler.SchedulerListener;
import org.perestroika.scheduler.dispatch.Dispatcher;
import org.perestroika.scheduler.dispatch.LocalDispatcher;
import org.perestroika.scheduler.dispatch.jenkins.JenkinsConfig;
import org.perestroika.scheduler.dispatch.jenkins.JenkinsDispatcher;
import org.perestroika.scheduler.gerrit.ConnectionState;
import org.perestroika.scheduler.gerrit.GerritRest;
import org.perestroika.scheduler.gerrit.GerritServerConfig;
import org.perestroika.scheduler.gerrit.HttpGerritRest;
import org.perestroika.scheduler.gerrit.Secret;
import org.perestroika.scheduler.gerrit.SshEventStream;
import org.perestroika.scheduler.gerrit.SshStreamOptions;
import org.perestroika.scheduler.gerrit.WebhookReceiver;
import org.perestroika.scheduler.gerrit.WebhookRejectedException;
import org.perestroika.scheduler.http.ApiConfig;
import org.perestroika.scheduler.http.ApiServer;
import org.perestroika.scheduler.http.Health;
import org.perestroika.scheduler.http.HealthCheck;
import org.perestroika.scheduler.http.ManualBuildOutcome;
import org.perestroika.scheduler.http.Metrics;
import org.perestroika.scheduler.http.SchedulerMetrics;
import org.perestroika.scheduler.http.WebhookOutcome;
import org.perestroika.scheduler.queue.BuildRecord;
import org.perestroika.scheduler.queue.BuildState;
import org.perestroika.scheduler.queue.DatabaseLocation;
import org.perestroika.scheduler.queue.JdbcBuildStore;
import org.perestroika.scheduler.routing.Router;
import org.perestroika.scheduler.source.GitRemote;
import org.perestroika.scheduler.source.GitSourceAssembler;
import org.perestroika.scheduler.source.SourceAssembler;
import org.perestroika.worker.container.Ownership;
import picocli.CommandLine;
import picocli.CommandLine.ParentCommand;

/** Runs the scheduler: follows Gerrit, builds changes, votes, and serves the HTTP API. */
@CommandLine.Command(
    name = "scheduler",
    description = "Follow Gerrit, build every change in a clean container, vote Verified.")
final class SchedulerCommand implements Callable<Integer> {
  /**
   * The header naming which Gerrit server a webhook delivery comes from, when there are several.
   */
  static final String WEBHOOK_SERVER_HEADER = "X-Perestroika-Gerrit";

  @ParentCommand Main main;

  @Override
  public Integer call() throws InterruptedException {
    ServiceLog.install(System.getenv());
    Farm farm = new Farm(main.config());
    SchedulerConfig settings =
        farm.config
            .scheduler()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the configuration has no `scheduler:` section: add one naming the Gerrit"
                            + " servers and customers to follow (see README)"));
    Path home = farm.config.stateDir().resolve("scheduler");
    Path builds = settings.buildsDir().orElse(home.resolve("builds"));
    Path gitCache = settings.gitCacheDir().orElse(home.resolve("git"));
    Router router = new Router(settings, farm.config.dists());
    // Votes name URLs people reach: without a web server of the farm's own in front of the
    // repositories (publisher.base-url), this API serves them.
    String reachable = settings.reachableUrl().toString().replaceAll("/+$", "");
    boolean servesRepositories = farm.config.publisher().baseUrl().isEmpty();
    String repositoryUrl = farm.config.publisher().baseUrl().orElse(reachable + "/repos");
    JdbcBuildStore store =
        JdbcBuildStore.open(
            settings
                .database()
                .map(DatabaseLocation::of)
                .orElse(DatabaseLocation.embedded(farm.config.stateDir())),
            farm.clock);
    Metrics metrics = new Metrics();
    SchedulerMetrics schedulerMetrics = new SchedulerMetrics(metrics, store, farm.clock);

    Map<String, GerritServerConfig> servers = new LinkedHashMap<>();
    Map<String, GerritRest> rest = new LinkedHashMap<>();
    Map<String, SourceAssembler> sources = new LinkedHashMap<>();
    for (SchedulerConfig.Gerrit gerrit : settings.gerrit().values()) {
      Secret password =
          new Secret(gerrit.httpPasswordFile().map(SchedulerCommand::readSecret).orElse(""));
      GerritServerConfig server =
          new GerritServerConfig(
              gerrit.name(),
              gerrit.sshHost(),
              gerrit.sshPort(),
              gerrit.sshUser(),
              gerrit.sshKey(),
              Optional.empty(),
              gerrit.http(),
              gerrit.httpUser(),
              password);
      servers.put(gerrit.name(), server);
      rest.put(gerrit.name(), new HttpGerritRest(server));
      GitRemote remote =
          gerrit.httpPasswordFile().isPresent()
              ? GitRemote.authenticated(gerrit.http(), gerrit.httpUser(), password.reveal())
              : GitRemote.anonymous(gerrit.http());
      sources.put(
          gerrit.name(),
          new GitSourceAssembler(farm.runner, gitCache.resolve(gerrit.name()), remote));
    }

    PackageBuilder builder = farm.anyFormat();
    Dispatcher dispatcher = dispatcher(settings, builder, router);
    Ownership.reapOrphans(farm.containers(), line -> System.out.println("[scheduler] " + line));
    Map<String, Dist> dists = farm.config.dists();
    Scheduler scheduler =
        new Scheduler(
            router,
            store,
            rest,
            sources,
            builder,
            farm.publisher(Optional.of(repositoryUrl)),
            dispatcher,
            dists,
            farm.config.limits(),
            builds,
            reachable,
            farm.clock,
            new SchedulerListener() {
              @Override
              public void eventReceived(GerritEvent event, Duration lag) {
                schedulerMetrics.gerritEvent(event.type(), event.createdOn());
              }

              @Override
              public void buildFinished(BuildRecord build, BuildState state, Duration took) {
                store.get(build.id()).ifPresent(schedulerMetrics::buildFinished);
              }
            });

    List<SshEventStream> streams = new ArrayList<>();
    List<HealthCheck> health = new ArrayList<>();
    for (GerritServerConfig server : servers.values()) {
      SshEventStream stream = new SshEventStream(server, SshStreamOptions.defaults(), farm.clock);
      streams.add(stream);
      health.add(
          new HealthCheck(
              "gerrit " + server.name(),
              () -> {
                ConnectionState state = stream.state();
                return state.status() == ConnectionState.Status.CONNECTED
                    ? Health.up("stream-events connected since " + state.since())
                    : Health.down(state.toString());
              }));
    }
    Optional<WebhookReceiver> webhook =
        settings.webhookSecretFile().map(f -> new WebhookReceiver(new Secret(readSecret(f))));
    ApiConfig apiConfig =
        ApiConfig.defaults().withAddress(ApiConfig.parseAddress(settings.listen()));
    if (servesRepositories) {
      apiConfig = apiConfig.withRepositories(farm.config.repositoryRoot());
    }
    ApiServer api =
        new ApiServer(
            apiConfig,
            store,
            build -> Optional.of(builds.resolve(build.buildId()).resolve("build.log")),
            request -> manual(scheduler, servers.keySet(), request.project(), request.branch()),
            (headers, body) -> deliver(webhook, scheduler, servers.keySet(), headers, body),
            health,
            metrics);

    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdown =
        new Thread(
            () -> {
              System.out.println(
                  "[scheduler] stopping: builds still running are queued again at the next start");
              streams.forEach(SshEventStream::close);
              api.close();
              scheduler.close();
              dispatcher.close();
              farm.containers().shutdown();
              store.close();
              farm.close();
              System.out.println("[scheduler] stopped");
              stopped.countDown();
            },
            "scheduler-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);

    scheduler.start();
    api.start();
    for (int i = 0; i < streams.size(); i++) {
      String name = new ArrayList<>(servers.keySet()).get(i);
      streams.get(i).start(event -> scheduler.onEvent(name, event), () -> scheduler.catchUp(name));
    }
    System.out.println(
        "[scheduler] following "
            + String.join(", ", servers.keySet())
            + "; API at http://"
            + api.address().getHostString()
            + ":"
            + api.address().getPort()
            + "; "
            + dispatcher.slots()
            + " build slot(s); test repositories at "
            + repositoryUrl
            + "/review/");
    stopped.await();
    return Main.OK;
  }

  private static Dispatcher dispatcher(
      SchedulerConfig settings, PackageBuilder builder, Router router) {
    if (settings.dispatcher().equals("local")) {
      return new LocalDispatcher(builder, settings.slots());
    }
    SchedulerConfig.Jenkins jenkins = settings.jenkins().orElseThrow();
    return new JenkinsDispatcher(
        new JenkinsConfig(
            jenkins.url(),
            jenkins.user(),
            readSecret(jenkins.tokenFile()),
            jenkins.jobTemplate(),
            settings.slots(),
            JenkinsConfig.DEFAULT_POLL_INTERVAL,
            JenkinsConfig.DEFAULT_QUEUE_TIMEOUT),
        build ->
            router
                .route(build.gerritServer(), build.project(), build.branch())
                .flatMap(route -> route.specProject()));
  }

  private static ManualBuildOutcome manual(
      Scheduler scheduler, Iterable<String> servers, String project, String branch) {
    for (String server : servers) {
      Optional<BuildRecord> build = scheduler.scheduleBranch(server, project, branch);
      if (build.isPresent()) {
        return new ManualBuildOutcome.Scheduled(build.get());
      }
    }
    return new ManualBuildOutcome.Rejected(
        project + " on " + branch + " is not a project and branch Perestroika builds");
  }

  private static WebhookOutcome deliver(
      Optional<WebhookReceiver> receiver,
      Scheduler scheduler,
      java.util.Set<String> servers,
      Map<String, List<String>> headers,
      byte[] body) {
    if (receiver.isEmpty()) {
      return new WebhookOutcome.Disabled();
    }
    String server = header(headers, WEBHOOK_SERVER_HEADER).orElse(servers.iterator().next());
    if (!servers.contains(server)) {
      return new WebhookOutcome.Malformed("unknown Gerrit server '" + server + "'");
    }
    try {
      GerritEvent event =
          receiver.get().accept(header(headers, "X-Perestroika-Secret").orElse(""), body);
      scheduler.onEvent(server, event);
      return new WebhookOutcome.Accepted();
    } catch (WebhookRejectedException e) {
      return e.reason() == WebhookRejectedException.Reason.UNAUTHORIZED
          ? new WebhookOutcome.BadSecret()
          : new WebhookOutcome.Malformed(e.getMessage());
    }
  }

  private static Optional<String> header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
        .map(e -> e.getValue().get(0))
        .findFirst();
  }

  private static String readSecret(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret in " + file, e);
    }
  }
}
