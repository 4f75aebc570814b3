package org.perestroika.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduler's part of the configuration: where it listens, its database, how it dispatches, the
 * Gerrit servers it follows and how their projects map to customers and releases. Secrets are named
 * by file, never written in the configuration itself.
 *
 * @param listen host:port of the HTTP API
 * @param database JDBC URL; empty means an embedded database in the state directory
 * @param dispatcher {@code local} (this host's worker pool) or {@code jenkins}
 * @param slots how many builds run at once
 * @param webhookSecretFile the shared secret of the webhook endpoint; empty turns it off
 * @param buildsDir where builds keep sources, artifacts and logs, one directory per build id; empty
 *     means {@code <state>/scheduler/builds}. Build ids are the database's, so two schedulers with
 *     databases of their own need directories of their own.
 * @param publicUrl the URL the HTTP API is reached at from other machines (behind a proxy, or on a
 *     name other than the listen address); empty means {@code http://<listen>}
 * @param gitCacheDir where the bare mirrors of Gerrit's projects are kept; empty means {@code
 *     <state>/scheduler/git}
 */
public record SchedulerConfig(
    String listen,
    Optional<String> database,
    String dispatcher,
    int slots,
    Optional<Path> webhookSecretFile,
    Optional<Jenkins> jenkins,
    Map<String, Gerrit> gerrit,
    Map<String, Customer> customers,
    Optional<Path> buildsDir,
    Optional<URI> publicUrl,
    Optional<Path> gitCacheDir) {

  public SchedulerConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(dispatcher, "dispatcher");
    Objects.requireNonNull(webhookSecretFile, "webhookSecretFile");
    Objects.requireNonNull(jenkins, "jenkins");
    gerrit = Map.copyOf(gerrit);
    customers = Map.copyOf(customers);
    Objects.requireNonNull(buildsDir, "buildsDir");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(gitCacheDir, "gitCacheDir");
  }

  /**
   * The URL people and their machines reach the HTTP API at, for the log and repository links in
   * votes: the public URL when one is set, else {@code http://<listen>}.
   */
  public URI reachableUrl() {
    return publicUrl.orElse(URI.create("http://" + listen));
  }

  /** One Gerrit server: stream-events over SSH, REST over HTTP. */
  public record Gerrit(
      String name,
      String sshUser,
      String sshHost,
      int sshPort,
      Path sshKey,
      URI http,
      String httpUser,
      Optional<Path> httpPasswordFile) {
    public Gerrit {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sshUser, "sshUser");
      Objects.requireNonNull(sshHost, "sshHost");
      Objects.requireNonNull(sshKey, "sshKey");
      Objects.requireNonNull(http, "http");
      Objects.requireNonNull(httpUser, "httpUser");
      Objects.requireNonNull(httpPasswordFile, "httpPasswordFile");
    }
  }

  /** A customer's projects on one Gerrit server, and the releases its branches stand for. */
  public record Customer(String name, String gerrit, Map<String, ReleaseRoute> releases) {
    public Customer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(gerrit, "gerrit");
      releases = Map.copyOf(releases);
    }
  }

  /**
   * A release: the branches whose changes build for it, the dists they build for (a change builds
   * for each, deb and rpm alike), and the suite merged changes publish to.
   */
  public record ReleaseRoute(
      String release, List<String> branches, List<String> dists, String mergeSuite) {
    public ReleaseRoute {
      Objects.requireNonNull(release, "release");
      branches = List.copyOf(branches);
      dists = List.copyOf(dists);
      if (dists.isEmpty()) {
        throw new IllegalArgumentException("release " + release + " builds for no dist");
      }
      Objects.requireNonNull(mergeSuite, "mergeSuite");
    }
  }

  /** A Jenkins server whose jobs (generated from jjb/) run builds. */
  public record Jenkins(URI url, String user, Path tokenFile, String jobTemplate) {
    public Jenkins {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(tokenFile, "tokenFile");
      Objects.requireNonNull(jobTemplate, "jobTemplate");
    }
  }
}
