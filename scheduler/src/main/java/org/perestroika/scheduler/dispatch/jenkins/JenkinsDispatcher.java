package org.perestroika.scheduler.dispatch.jenkins;

import com.offbytwo.jenkins.model.BuildWithDetails;
import com.offbytwo.jenkins.model.QueueItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.http.client.HttpResponseException;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.BuildStatus;
import org.perestroika.scheduler.dispatch.DispatchRequest;
import org.perestroika.scheduler.dispatch.Dispatcher;
import org.perestroika.scheduler.queue.NewBuild;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs builds as the Jenkins jobs that jjb/ defines, through Jenkins' remote access API. */
public final class JenkinsDispatcher implements Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(JenkinsDispatcher.class);

  /**
   * How long polling rides out a Jenkins that cannot be reached or answers 5xx (a restart, a proxy
   * hiccup) once a build is in its hands, before giving the build up as an environment failure.
   */
  static final Duration TRANSIENT_GRACE = Duration.ofMinutes(2);

  private static final Pattern BUILD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern QUEUE_ITEM = Pattern.compile(".*/queue/item/(\\d{1,18})/?");
  // An artifact lands in the output directory under its own name: a plain file name only.
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_+~][A-Za-z0-9_.+~-]*");

  private final JenkinsConfig config;
  private final Function<NewBuild, Optional<String>> specProjects;
  private final JenkinsConnection jenkins;
  private final Semaphore slots;

  /**
   * @param specProjects the spec project of a split package's build (routing knows it); asked only
   *     for builds that have a spec commit
   */
  public JenkinsDispatcher(
      JenkinsConfig config, Function<NewBuild, Optional<String>> specProjects) {
    this.config = Objects.requireNonNull(config, "config");
    this.specProjects = Objects.requireNonNull(specProjects, "specProjects");
    // Each build polls on its own connection; one more for a cancel while all of them poll.
    this.jenkins = new JenkinsConnection(config, config.slots() + 1);
    this.slots = new Semaphore(config.slots(), true);
  }

  @Override
  public BuildResult run(DispatchRequest request, Consumer<String> log)
      throws InterruptedException {
    String job = jobName(request);
    Map<String, String> parameters = parameters(request, specProjects);
    String buildId = request.build().buildId();
    if (!BUILD_ID.matcher(buildId).matches()) {
      throw new IllegalArgumentException("build id '" + buildId + "' must be [A-Za-z0-9_.-]");
    }
    slots.acquire();
    try {
      return new Run(request, log, job, parameters).run();
    } finally {
      slots.release();
    }
  }

  @Override
  public int slots() {
    return config.slots();
  }

  @Override
  public void close() {
    jenkins.close();
  }

  /** The job that builds this request: the configured template, filled in. */
  public String jobName(DispatchRequest request) {
    NewBuild build = request.build().request();
    Map<String, String> values =
        Map.of(
            "customer", build.customer(),
            "release", build.release(),
            "format", request.dist().format().name().toLowerCase(Locale.ROOT),
            "dist", request.dist().name(),
            "package", build.packageName());
    return config.jobName(values);
  }

  /**
   * The parameters a build is triggered with; the jjb job templates declare exactly these, as
   * string parameters. Every one is always sent, empty when it does not apply.
   *
   * <table>
   *   <caption>Build parameters</caption>
   *   <tr><th>Name</th><th>Value</th><th>Example</th></tr>
   *   <tr><td>BUILD_ID</td><td>the farm's id of the build; names what it produces</td>
   *       <td>b42</td></tr>
   *   <tr><td>GERRIT_PROJECT</td><td>the Gerrit project with the code (or code and debian/)</td>
   *       <td>acme/openstack/nova</td></tr>
   *   <tr><td>GERRIT_BRANCH</td><td>the branch built</td><td>mos-10.0</td></tr>
   *   <tr><td>CODE_COMMIT</td><td>the full commit id in GERRIT_PROJECT</td><td>3f2a...</td></tr>
   *   <tr><td>SPEC_PROJECT</td><td>the project with debian/ for split packages, else empty</td>
   *       <td>acme/openstack-build/nova</td></tr>
   *   <tr><td>SPEC_COMMIT</td><td>the full commit id in SPEC_PROJECT, else empty</td>
   *       <td>9c1e...</td></tr>
   *   <tr><td>DIST</td><td>the distribution release built for</td><td>bookworm</td></tr>
   *   <tr><td>PACKAGE</td><td>the source package</td><td>nova</td></tr>
   *   <tr><td>RELEASE</td><td>the product release</td><td>mos10.0</td></tr>
   *   <tr><td>CUSTOMER</td><td>the customer the package belongs to</td><td>acme</td></tr>
   *   <tr><td>GERRIT_CHANGE</td><td>the change number, empty for builds without a change</td>
   *       <td>1234</td></tr>
   *   <tr><td>GERRIT_PATCHSET</td><td>the patch set number, empty likewise</td><td>2</td></tr>
   * </table>
   *
   * @throws EnvironmentException when the build has a spec commit but no spec project is known
   */
  public static Map<String, String> parameters(
      DispatchRequest request, Function<NewBuild, Optional<String>> specProjects) {
    NewBuild build = request.build().request();
    String specProject = "";
    if (build.specCommit().isPresent()) {
      specProject =
          specProjects
              .apply(build)
              .orElseThrow(
                  () ->
                      new EnvironmentException(
                          "build "
                              + request.build().buildId()
                              + " of "
                              + build.project()
                              + " has a spec commit but no spec project is routed for it",
                          false));
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("BUILD_ID", request.build().buildId());
    parameters.put("GERRIT_PROJECT", build.project());
    parameters.put("GERRIT_BRANCH", build.branch());
    parameters.put("CODE_COMMIT", build.codeCommit());
    parameters.put("SPEC_PROJECT", specProject);
    parameters.put("SPEC_COMMIT", build.specCommit().orElse(""));
    parameters.put("DIST", request.dist().name());
    parameters.put("PACKAGE", build.packageName());
    parameters.put("RELEASE", build.release());
    parameters.put("CUSTOMER", build.customer());
    parameters.put("GERRIT_CHANGE", build.change().map(String::valueOf).orElse(""));
    parameters.put("GERRIT_PATCHSET", build.patchset().map(String::valueOf).orElse(""));
    return parameters;
  }

  /** One build, from trigger to result. */
  private final class Run {
    private final DispatchRequest request;
    private final Consumer<String> log;
    private final String job;
    private final String jobPath;
    private final Map<String, String> parameters;
    private final long startNanos = System.nanoTime();
    private Console console;

    Run(DispatchRequest request, Consumer<String> log, String job, Map<String, String> params) {
      this.request = request;
      this.log = log;
      this.job = job;
      StringBuilder path = new StringBuilder();
      for (String segment : job.split("/")) {
        path.append("job/").append(JenkinsConnection.encodeSegment(segment)).append('/');
      }
      this.jobPath = path.toString();
      this.parameters = params;
    }

    BuildResult run() throws InterruptedException {
      Path out = request.outDir();
      try {
        Files.createDirectories(out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create output directory " + out, e);
      }
      Path logFile = out.resolve(request.build().buildId() + ".jenkins.log");
      try (Console c = new Console(logFile, log)) {
        console = c;
        long queueId = trigger();
        console.note("perestroika: " + job + " queued as " + url("queue/item/" + queueId + "/"));
        int number = awaitExecutor(queueId);
        String buildPath = jobPath + number + "/";
        console.note("perestroika: " + job + " #" + number + " at " + url(buildPath));
        Ended ended = follow(buildPath);
        return result(buildPath, ended);
      }
    }

    /**
     * Triggers the job; returns its queue item's id. Fails fast: nothing runs yet. BUILD_ID makes
     * every trigger's parameters unique, so Jenkins never folds two farm builds into one queue
     * item.
     */
    private long trigger() throws InterruptedException {
      String doing = "triggering " + job;
      JenkinsConnection.Answer answer;
      try {
        answer = jenkins.post(jobPath + "buildWithParameters", parameters);
      } catch (IOException e) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while " + doing);
        }
        throw failure(doing, e);
      }
      if (answer.status() == 404) {
        throw new EnvironmentException(
            "Jenkins at "
                + jenkins.base()
                + " has no job '"
                + job
                + "': the job definitions in jjb/ define it; deploy them with jenkins-jobs update",
            false);
      }
      // 201 is the documented answer; some Jenkins releases answered 303 to the same place.
      if (answer.status() != 201 && answer.status() != 303) {
        throw refused(doing, answer.status(), answer.reason(), null);
      }
      Matcher m = QUEUE_ITEM.matcher(answer.location().orElse(""));
      if (!m.matches()) {
        throw new EnvironmentException(
            "Jenkins at "
                + jenkins.base()
                + " accepted "
                + job
                + " but named no queue item (Location: "
                + answer.location().orElse("none")
                + "); is it a Jenkins?",
            false);
      }
      return Long.parseLong(m.group(1));
    }

    /** Waits for an executor to take the queue item; returns the build's number. */
    private int awaitExecutor(long queueId) throws InterruptedException {
      long deadline = System.nanoTime() + config.queueTimeout().toNanos();
      try {
        while (true) {
          QueueItem item = queueItem(queueId);
          if (item.getExecutable() != null && item.getExecutable().getNumber() != null) {
            return Math.toIntExact(item.getExecutable().getNumber());
          }
          if (item.isCancelled()) {
            console.note("perestroika: cancelled in Jenkins' queue");
            throw new EnvironmentException(
                job
                    + " was cancelled in Jenkins' queue (item "
                    + queueId
                    + ") before it ran, by hand or by Jenkins; schedule the build again to retry",
                false);
          }
          if (System.nanoTime() - deadline > 0) {
            console.note("perestroika: no executor took it within " + config.queueTimeout());
            // Left in the queue, it would run later with no one to collect its result.
            cancelQueued(queueId);
            throw new EnvironmentException(
                "no Jenkins executor took "
                    + job
                    + " within the queue timeout of "
                    + config.queueTimeout()
                    + " ("
                    + Optional.ofNullable(item.getWhy()).orElse("no reason given")
                    + "); the queue item was cancelled",
                true);
          }
          Thread.sleep(config.pollInterval().toMillis());
        }
      } catch (InterruptedException e) {
        console.note("perestroika: cancelled while queued");
        cancelQueued(queueId);
        throw e;
      }
    }

    private QueueItem queueItem(long queueId) throws InterruptedException {
      String itemPath = "queue/item/" + queueId + "/";
      try {
        return patiently("watching " + url(itemPath), () -> jenkins.get(itemPath, QueueItem.class));
      } catch (EnvironmentException e) {
        if (e.getCause() instanceof HttpResponseException h && h.getStatusCode() == 404) {
          // Jenkins forgets a queue item minutes after it left the queue, and at a restart.
          throw new EnvironmentException(
              "Jenkins no longer knows queue item "
                  + queueId
                  + " of "
                  + job
                  + "; it may have restarted",
              true,
              e);
        }
        throw e;
      }
    }

    /** Follows the running build to its end, streaming its console. */
    private Ended follow(String buildPath) throws InterruptedException {
      long started = System.nanoTime();
      Duration limit = request.limits().timeout();
      boolean stopRequested = false;
      long stopRequestedAt = 0;
      long offset = 0;
      try {
        while (true) {
          BuildWithDetails details =
              patiently(
                  "watching " + url(buildPath),
                  () -> jenkins.get(buildPath, BuildWithDetails.class));
          // A build that stopped building gets its result a moment later.
          boolean over = !details.isBuilding() && details.getResult() != null;
          long from = offset;
          JenkinsConnection.Progress progress =
              patiently(
                  "reading the console of " + url(buildPath),
                  () -> jenkins.progressiveText(buildPath, from, console::append));
          boolean read = progress.textSize() > offset;
          offset = progress.textSize();
          if (over && !progress.moreData()) {
            console.finish();
            return new Ended(details, stopRequested);
          }
          long now = System.nanoTime();
          if (!stopRequested && now - started > limit.toNanos()) {
            stopRequested = true;
            stopRequestedAt = now;
            console.note("perestroika: stopping the build: it ran past its " + limit + " limit");
            stop(buildPath);
          } else if (stopRequested && now - stopRequestedAt > TRANSIENT_GRACE.toNanos()) {
            throw new EnvironmentException(
                url(buildPath) + " did not stop within " + TRANSIENT_GRACE + " of being told to",
                false);
          }
          if (!(over && read)) {
            Thread.sleep(config.pollInterval().toMillis());
          }
        }
      } catch (InterruptedException e) {
        console.note("perestroika: cancelled while building");
        stop(buildPath);
        throw e;
      } catch (EnvironmentException e) {
        // The farm gives the build up: it should not keep an executor busy for nothing.
        stop(buildPath);
        throw e;
      }
    }

    private BuildResult result(String buildPath, Ended ended) throws InterruptedException {
      com.offbytwo.jenkins.model.BuildResult jenkinsResult = ended.details().getResult();
      List<Artifact> artifacts = download(buildPath, ended.details());
      BuildStatus status;
      Optional<Path> changes = Optional.empty();
      switch (jenkinsResult) {
        case SUCCESS -> {
          ArtifactCheck.Verdict verdict = ArtifactCheck.verify(request.dist().format(), artifacts);
          if (verdict.problem().isEmpty()) {
            status = BuildStatus.SUCCEEDED;
            changes = verdict.changes();
            artifacts = verdict.artifacts();
          } else {
            status = BuildStatus.FAILED;
            console.note("perestroika: " + verdict.problem().get());
          }
        }
        case ABORTED -> status = ended.timedOut() ? BuildStatus.TIMED_OUT : BuildStatus.CANCELLED;
        default -> status = ended.timedOut() ? BuildStatus.TIMED_OUT : BuildStatus.FAILED;
      }
      List<String> excerpt = status == BuildStatus.SUCCEEDED ? List.of() : console.tail();
      BuildResult.Timings timings =
          new BuildResult.Timings(
              console.phase("Install"),
              console.phase("Build"),
              Duration.ofNanos(System.nanoTime() - startNanos));
      console.note(
          "perestroika: build "
              + request.build().buildId()
              + " "
              + status.word()
              + " (Jenkins: "
              + jenkinsResult
              + ", "
              + artifacts.size()
              + " artifact(s))");
      return new BuildResult(
          request.build().buildId(), status, changes, artifacts, console.file(), excerpt, timings);
    }

    /** Downloads what the build archived into the output directory, each under its own name. */
    private List<Artifact> download(String buildPath, BuildWithDetails details)
        throws InterruptedException {
      List<Artifact> artifacts = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (com.offbytwo.jenkins.model.Artifact archived :
          Optional.ofNullable(details.getArtifacts()).orElse(List.of())) {
        String relative = archived.getRelativePath();
        if (relative == null) {
          continue;
        }
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        Path target = request.outDir().resolve(name);
        if (!FILE_NAME.matcher(name).matches()
            || names.contains(name)
            || target.equals(console.file())) {
          console.note(
              "perestroika: not downloading " + relative + ": its name is unusable or taken");
          continue;
        }
        names.add(name);
        JenkinsConnection.Download file =
            patiently(
                "downloading " + relative + " from " + url(buildPath),
                () -> jenkins.download(buildPath, relative, target));
        artifacts.add(new Artifact(target, file.sha256(), file.size()));
      }
      return artifacts;
    }

    /** Cancels the queue item; stops the build if an executor took it in the meantime. */
    private void cancelQueued(long queueId) {
      String itemPath = "queue/item/" + queueId + "/";
      try {
        JenkinsConnection.Answer answer = jenkins.post("queue/cancelItem?id=" + queueId, Map.of());
        // Jenkins answers 204 (302 before 2.210); 404 when the item already left the queue.
        if (answer.status() == 404) {
          QueueItem item = jenkins.get(itemPath, QueueItem.class);
          if (item.getExecutable() != null && item.getExecutable().getNumber() != null) {
            stop(jobPath + item.getExecutable().getNumber() + "/");
          }
        } else if (answer.status() >= 400) {
          console.note(
              "perestroika: Jenkins refused to cancel " + url(itemPath) + ": " + answer.status());
        }
      } catch (IOException e) {
        console.note("perestroika: could not cancel " + url(itemPath) + ": " + e.getMessage());
        LOG.warn("could not cancel {}", url(itemPath), e);
      }
    }

    private void stop(String buildPath) {
      try {
        JenkinsConnection.Answer answer = jenkins.post(buildPath + "stop", Map.of());
        if (answer.status() >= 400) {
          console.note(
              "perestroika: Jenkins refused to stop " + url(buildPath) + ": " + answer.status());
        }
      } catch (IOException e) {
        console.note("perestroika: could not stop " + url(buildPath) + ": " + e.getMessage());
        LOG.warn("could not stop {}", url(buildPath), e);
      }
    }

    /**
     * Calls Jenkins for a build it already has, riding out failures that may pass for up to {@link
     * #TRANSIENT_GRACE}: the build goes on in Jenkins whether or not it is being watched.
     */
    private <T> T patiently(String doing, Call<T> call) throws InterruptedException {
      long firstFailure = 0;
      while (true) {
        try {
          return call.call();
        } catch (IOException e) {
          if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while " + doing);
          }
          EnvironmentException failure = failure(doing, e);
          long now = System.nanoTime();
          if (firstFailure == 0) {
            firstFailure = now;
          }
          if (!failure.retryable() || now - firstFailure > TRANSIENT_GRACE.toNanos()) {
            throw failure;
          }
          LOG.warn("{}; trying again", failure.getMessage());
          Thread.sleep(config.pollInterval().toMillis());
        }
      }
    }

    private String url(String path) {
      return jenkins.base().resolve(path).toString();
    }
  }

  /** An infrastructure failure, retryable unless Jenkins answered with a client error. */
  private EnvironmentException failure(String doing, IOException e) {
    if (e instanceof HttpResponseException h) {
      return refused(doing, h.getStatusCode(), h.getReasonPhrase(), e);
    }
    return new EnvironmentException(
        "cannot reach Jenkins at " + jenkins.base() + " while " + doing + ": " + e, true, e);
  }

  private EnvironmentException refused(String doing, int status, String reason, Throwable cause) {
    URI base = jenkins.base();
    String answered =
        "Jenkins at " + base + " answered " + status + " " + reason + " while " + doing;
    if (status >= 500) {
      return new EnvironmentException(answered + "; it may be starting or overloaded", true, cause);
    }
    if (status == 401 || status == 403) {
      return new EnvironmentException(
          answered
              + ": check the user and API token configured for Jenkins, that the user may read,"
              + " build and cancel the farm's jobs, and that its CSRF crumb is accepted",
          false,
          cause);
    }
    return new EnvironmentException(answered, false, cause);
  }

  /** A call to Jenkins. */
  private interface Call<T> {
    T call() throws IOException;
  }

  /** A build that ended, and whether the farm stopped it for running past its time limit. */
  private record Ended(BuildWithDetails details, boolean timedOut) {}
}
