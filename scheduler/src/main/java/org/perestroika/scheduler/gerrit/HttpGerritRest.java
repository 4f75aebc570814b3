package org.perestroika.scheduler.gerrit;

import com.google.gerrit.extensions.api.changes.ReviewInput;
import com.google.gerrit.extensions.client.ChangeStatus;
import com.google.gerrit.extensions.client.ListChangesOption;
import com.google.gerrit.extensions.common.ChangeInfo;
import com.google.gerrit.extensions.common.ChangeMessageInfo;
import com.google.gerrit.extensions.common.RevisionInfo;
import com.google.gerrit.extensions.restapi.RestApiException;
import com.urswolfer.gerrit.client.rest.GerritAuthData;
import com.urswolfer.gerrit.client.rest.GerritRestApi;
import com.urswolfer.gerrit.client.rest.GerritRestApiFactory;
import com.urswolfer.gerrit.client.rest.http.HttpStatusException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.perestroika.core.gerrit.ChangeRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GerritRest} over gerrit-rest-java-client, authenticated with the user's Gerrit HTTP
 * password. The only class that imports that client.
 */
public final class HttpGerritRest implements GerritRest {
  static final String VERIFIED = "Verified";
  private static final Logger LOG = LoggerFactory.getLogger(HttpGerritRest.class);
  // Gerrit reads a query time without a zone as UTC.
  private static final DateTimeFormatter QUERY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final int PAGE = 200;
  // A guard against a server that always says there is more; far beyond any real catch-up.
  private static final int MAX_PAGES = 100;
  // Keeps the query URL well inside the request-line limits of Gerrit and of proxies before it.
  private static final int PROJECTS_PER_QUERY = 40;

  private final String server;
  private final GerritRestApi api;

  public HttpGerritRest(GerritServerConfig config) {
    this.server = config.name();
    // isHttpPassword: authenticate every request with HTTP basic auth on /a/..., without the
    // login-form and XSRF-cookie dance meant for LDAP web logins.
    this.api =
        new GerritRestApiFactory()
            .create(
                new GerritAuthData.Basic(
                    config.httpUrl().toString(),
                    config.httpUser(),
                    config.httpPassword().reveal(),
                    true));
  }

  @Override
  public List<UpdatedChange> changesUpdatedSince(Instant since, ProjectFilter projects) {
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(projects, "projects");
    String after = "after:\"" + QUERY_TIME.format(since) + "\"";
    String status = "(status:open OR status:merged)";
    List<ChangeInfo> found = new ArrayList<>();
    for (String scope : projectClauses(projects)) {
      found.addAll(query("changes updated since " + since, after, status, scope));
    }
    Map<Integer, ChangeInfo> latest = new LinkedHashMap<>();
    found.stream()
        .sorted(Comparator.comparing((ChangeInfo c) -> updated(c)).thenComparing(c -> c._number))
        .forEach(
            change -> {
              // A change updated while the pages were read shows up twice; keep the later copy,
              // placed where its latest update puts it.
              latest.remove(change._number);
              latest.put(change._number, change);
            });
    return latest.values().stream()
        .flatMap(
            change ->
                toChangeRef(change)
                    .map(
                        ref ->
                            new UpdatedChange(
                                ref, change.status == ChangeStatus.MERGED, updated(change))))
        .toList();
  }

  @Override
  public Optional<String> branchHead(String project, String branch) {
    requireText(project, "project");
    requireText(branch, "branch");
    try {
      return Optional.ofNullable(api.projects().name(project).branch(branch).get().revision);
    } catch (HttpStatusException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw failure("reading branch " + branch + " of " + project, e);
    } catch (RestApiException e) {
      throw failure("reading branch " + branch + " of " + project, e);
    }
  }

  @Override
  public List<ChangeRef> changesInTopic(String topic) {
    requireText(topic, "topic");
    return query("changes in topic " + topic, "topic:" + quote(topic), "status:open").stream()
        .sorted(Comparator.comparingInt(c -> c._number))
        .flatMap(this::toChangeRef)
        .toList();
  }

  @Override
  public ChangeRef change(int number, int patchset) {
    ChangeInfo info;
    try {
      info = api.changes().id(number).get(EnumSet.of(ListChangesOption.ALL_REVISIONS));
    } catch (RestApiException e) {
      throw failure("reading change " + number, e);
    }
    return info.revisions.entrySet().stream()
        .filter(r -> r.getValue()._number == patchset)
        .findFirst()
        .map(
            r ->
                new ChangeRef(
                    info._number,
                    info.changeId,
                    info.project,
                    info.branch,
                    Optional.ofNullable(info.topic).filter(topic -> !topic.isBlank()),
                    patchset,
                    r.getValue().ref,
                    r.getKey()))
        .orElseThrow(
            () ->
                new GerritRestException(
                    "Gerrit " + server + ": change " + number + " has no patch set " + patchset,
                    false,
                    OptionalInt.empty(),
                    null));
  }

  @Override
  public void review(ChangeRef change, int verified, String message, String tag) {
    Objects.requireNonNull(change, "change");
    if (verified < -2 || verified > 2) {
      throw new IllegalArgumentException("Verified " + verified + " is outside -2..+2");
    }
    requireText(message, "message");
    requireText(tag, "tag");
    ReviewInput input = new ReviewInput().message(message);
    if (verified != 0) {
      // A closed change refuses a lowered vote, so a plain comment carries no label at all.
      input.label(VERIFIED, verified);
    }
    input.tag = tag;
    try {
      api.changes().id(change.project(), change.number()).revision(change.revision()).review(input);
    } catch (RestApiException e) {
      throw failure("voting Verified " + verified + " on " + change.label(), e);
    }
  }

  @Override
  public boolean hasReviewWithTag(ChangeRef change, String tag, String marker) {
    Objects.requireNonNull(change, "change");
    requireText(tag, "tag");
    requireText(marker, "marker");
    List<ChangeMessageInfo> messages;
    try {
      messages = api.changes().id(change.project(), change.number()).messages();
    } catch (RestApiException e) {
      throw failure("reading the messages of " + change.label(), e);
    }
    return messages.stream()
        .anyMatch(
            m ->
                tag.equals(m.tag)
                    && m._revisionNumber != null
                    && m._revisionNumber == change.patchset()
                    && m.message != null
                    && m.message.contains(marker));
  }

  /** Runs a change query to the end, page by page, with the current revision of each change. */
  private List<ChangeInfo> query(String what, String... terms) {
    // The client puts the query into the URL as given, so each term is encoded here; '+' is an
    // encoded space, which is how Gerrit separates terms.
    String q =
        Stream.of(terms)
            .map(term -> URLEncoder.encode(term, StandardCharsets.UTF_8))
            .collect(Collectors.joining("+"));
    List<ChangeInfo> all = new ArrayList<>();
    for (int page = 0; page < MAX_PAGES; page++) {
      List<ChangeInfo> batch;
      try {
        batch =
            api.changes()
                .query(q)
                .withOption(ListChangesOption.CURRENT_REVISION)
                .withLimit(PAGE)
                .withStart(all.size())
                .get();
      } catch (RestApiException e) {
        throw failure("querying " + what, e);
      }
      all.addAll(batch);
      if (batch.isEmpty() || !Boolean.TRUE.equals(batch.get(batch.size() - 1)._moreChanges)) {
        return all;
      }
    }
    throw new GerritRestException(
        "Gerrit "
            + server
            + ": querying "
            + what
            + " returned more than "
            + MAX_PAGES * PAGE
            + " changes; query a shorter period",
        false,
        OptionalInt.empty(),
        null);
  }

  private static List<String> projectClauses(ProjectFilter projects) {
    if (projects instanceof ProjectFilter.Prefix prefix) {
      return List.of("projects:" + quote(prefix.prefix()));
    }
    List<String> names = ((ProjectFilter.Named) projects).projects().stream().sorted().toList();
    List<String> clauses = new ArrayList<>();
    for (int i = 0; i < names.size(); i += PROJECTS_PER_QUERY) {
      clauses.add(
          names.subList(i, Math.min(names.size(), i + PROJECTS_PER_QUERY)).stream()
              .map(name -> "project:" + quote(name))
              .collect(Collectors.joining(" OR ", "(", ")")));
    }
    return clauses;
  }

  /** Quotes a query value; Gerrit's query syntax has no escapes, only two kinds of quotes. */
  static String quote(String value) {
    if (!value.contains("\"")) {
      return "\"" + value + "\"";
    }
    if (!value.contains("}")) {
      return "{" + value + "}";
    }
    throw new IllegalArgumentException("cannot quote '" + value + "' in a Gerrit query");
  }

  private static Instant updated(ChangeInfo change) {
    Timestamp updated = change.updated;
    return updated == null ? Instant.EPOCH : updated.toInstant();
  }

  /** The change as a ChangeRef, or nothing (with a warning) when Gerrit's answer is unusable. */
  private Stream<ChangeRef> toChangeRef(ChangeInfo change) {
    RevisionInfo revision =
        change.revisions == null || change.currentRevision == null
            ? null
            : change.revisions.get(change.currentRevision);
    if (revision == null) {
      LOG.warn("Gerrit {}: change {} came without its current revision", server, change._number);
      return Stream.empty();
    }
    try {
      return Stream.of(
          new ChangeRef(
              change._number,
              change.changeId,
              change.project,
              change.branch,
              Optional.ofNullable(change.topic).filter(topic -> !topic.isBlank()),
              revision._number,
              revision.ref,
              change.currentRevision));
    } catch (IllegalArgumentException e) {
      // One odd change must not stop a catch-up of all the others.
      LOG.warn("Gerrit {}: skipping change: {}", server, e.getMessage());
      return Stream.empty();
    }
  }

  private GerritRestException failure(String what, RestApiException e) {
    if (e instanceof HttpStatusException status) {
      int code = status.getStatusCode();
      boolean retryable = code == 408 || code == 429 || code >= 500;
      String hint =
          switch (code) {
            case 401 -> ": check the http user and its Gerrit HTTP password";
            case 403 -> ": the http user lacks the permission";
            case 404 -> ": not found, or not visible to the http user";
            case 409 -> ": Gerrit refused it in the change's current state";
            default -> "";
          };
      return new GerritRestException(
          "Gerrit " + server + ": " + what + " failed with HTTP " + code + hint,
          retryable,
          OptionalInt.of(code),
          e);
    }
    return new GerritRestException(
        "Gerrit " + server + ": " + what + " failed: " + e.getMessage(),
        true,
        OptionalInt.empty(),
        e);
  }

  private static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " missing");
    }
  }
}
