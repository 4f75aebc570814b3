package org.perestroika.scheduler.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.perestroika.core.gerrit.ChangeRef;

/** The exact requests HttpGerritRest sends, against a stub Gerrit on 127.0.0.1. */
class HttpGerritRestTest {
  private static final String PASSWORD = "http-pa55word";
  private static final String NGINX_ID = "I8d3e7f2a1b9c4d5e6f708192a3b4c5d6e7f80912";
  private static final String ZLIB_ID = "I2222222222222222222222222222222222222222";
  private static final String REV_A = "3f9c2d41a7be0c5e8f61d2b4a9e07c13d5f8b260";
  private static final String REV_B = "5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928";
  private static final String QUERY_OPTIONS = "&n=200&o=CURRENT_REVISION";
  private static final ChangeRef NGINX_PS2 =
      new ChangeRef(
          12345,
          NGINX_ID,
          "packages/nginx",
          "mos10.0",
          Optional.of("nginx-1.26"),
          2,
          "refs/changes/45/12345/2",
          REV_A);

  private FakeGerritHttp gerrit;
  private HttpGerritRest rest;

  @BeforeEach
  void start() throws Exception {
    gerrit = new FakeGerritHttp();
    rest =
        new HttpGerritRest(
            new GerritServerConfig(
                "review",
                "127.0.0.1",
                29418,
                "perestroika",
                Path.of("unused"),
                Optional.empty(),
                gerrit.url(),
                "perestroika",
                new Secret(PASSWORD)));
  }

  @AfterEach
  void stop() {
    gerrit.close();
  }

  @Test
  void catchUpQueriesOpenAndMergedChangesOfTheProjectsPageByPage() {
    String q =
        "/a/changes/?q=after%3A%222024-06-10+09%3A00%3A00.250%22"
            + "+%28status%3Aopen+OR+status%3Amerged%29"
            + "+%28project%3A%22packages%2Fnginx%22+OR+project%3A%22packages%2Fzlib%22%29";
    gerrit
        .answer(
            "GET",
            q + QUERY_OPTIONS,
            200,
            "["
                + change(12345, NGINX_ID, "packages/nginx", "nginx-1.26", 2, REV_A, "09:40:00", "")
                + ","
                + change(12000, ZLIB_ID, "packages/zlib", null, 7, REV_B, "09:10:00", "")
                + ","
                + change(
                    12346,
                    NGINX_ID.replace('8', '9'),
                    "packages/nginx",
                    null,
                    1,
                    REV_B,
                    "09:20:00",
                    "true")
                + "]")
        .answer(
            "GET",
            q + "&n=200&S=3&o=CURRENT_REVISION",
            200,
            // 12345 was merged while the first page was read: it comes back, later.
            "["
                + change(12345, NGINX_ID, "packages/nginx", "nginx-1.26", 3, REV_B, "09:50:00", "")
                    .replace("\"NEW\"", "\"MERGED\"")
                + "]");

    List<UpdatedChange> changes =
        rest.changesUpdatedSince(
            Instant.parse("2024-06-10T09:00:00.250Z"),
            ProjectFilter.named(Set.of("packages/zlib", "packages/nginx")));

    assertEquals(
        List.of("GET " + q + QUERY_OPTIONS, "GET " + q + "&n=200&S=3&o=CURRENT_REVISION"),
        gerrit.requestLines());
    assertEquals(
        List.of("12000,7", "12346,1", "12345,3"),
        changes.stream().map(c -> c.change().label()).toList());
    assertEquals(List.of(false, false, true), changes.stream().map(UpdatedChange::merged).toList());
    assertEquals(Instant.parse("2024-06-10T09:10:00Z"), changes.get(0).updated());
    assertEquals(
        new ChangeRef(
            12000,
            ZLIB_ID,
            "packages/zlib",
            "mos10.0",
            Optional.empty(),
            7,
            "refs/changes/00/12000/7",
            REV_B),
        changes.get(0).change());
    assertEquals(Optional.of("nginx-1.26"), changes.get(2).change().topic());
  }

  @Test
  void everyRequestCarriesBasicAuthWithTheHttpPassword() {
    gerrit.answer("GET", "/a/projects/packages%2Fnginx/branches/mos10.0", 200, branch(REV_A));

    rest.branchHead("packages/nginx", "mos10.0");

    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("perestroika:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.of(expected), gerrit.requests().get(0).authorization());
  }

  @Test
  void catchUpUnderAPrefixUsesTheProjectsOperator() {
    String uri =
        "/a/changes/?q=after%3A%221970-01-01+00%3A00%3A00.000%22"
            + "+%28status%3Aopen+OR+status%3Amerged%29+projects%3A%22packages%2F%22"
            + QUERY_OPTIONS;
    gerrit.answer("GET", uri, 200, "[]");

    assertEquals(
        List.of(), rest.changesUpdatedSince(Instant.EPOCH, ProjectFilter.prefix("packages/")));
    assertEquals(List.of("GET " + uri), gerrit.requestLines());
  }

  @Test
  void manyProjectsAreSplitOverSeveralQueries() {
    Set<String> projects =
        IntStream.range(0, 41).mapToObj(i -> String.format("p%02d", i)).collect(Collectors.toSet());

    assertThrows(
        GerritRestException.class,
        () -> rest.changesUpdatedSince(Instant.EPOCH, ProjectFilter.named(projects)));
    // The first query failed (nothing answers it), so only it was sent; check its width.
    String first = gerrit.requestLines().get(0);
    assertEquals(40, first.split("project%3A").length - 1, first);
    assertTrue(first.contains("project%3A%22p39%22%29"), first);
  }

  @Test
  void branchHeadIsTheBranchRevisionOrEmpty() {
    gerrit.answer("GET", "/a/projects/packages%2Fnginx/branches/mos10.0", 200, branch(REV_A));

    assertEquals(Optional.of(REV_A), rest.branchHead("packages/nginx", "mos10.0"));
    assertEquals(Optional.empty(), rest.branchHead("packages/nginx", "mos11.0"));
    assertEquals(
        List.of(
            "GET /a/projects/packages%2Fnginx/branches/mos10.0",
            "GET /a/projects/packages%2Fnginx/branches/mos11.0"),
        gerrit.requestLines());
  }

  @Test
  void topicQueryAsksForOpenChangesWithExactlyThatTopic() {
    String uri = "/a/changes/?q=topic%3A%22nginx-1.26%22+status%3Aopen" + QUERY_OPTIONS;
    gerrit.answer(
        "GET",
        uri,
        200,
        "["
            + change(
                12346,
                NGINX_ID.replace('8', '9'),
                "packages/nginx",
                "nginx-1.26",
                1,
                REV_B,
                "09:20:00",
                "")
            + ","
            + change(12345, NGINX_ID, "packages/nginx", "nginx-1.26", 2, REV_A, "09:40:00", "")
            + "]");

    assertEquals(
        List.of("12345,2", "12346,1"),
        rest.changesInTopic("nginx-1.26").stream().map(ChangeRef::label).toList());
    assertEquals(List.of("GET " + uri), gerrit.requestLines());
  }

  @Test
  void queryValuesWithDoubleQuotesAreBraced() {
    assertEquals("\"a b\"", HttpGerritRest.quote("a b"));
    assertEquals("{say \"hi\"}", HttpGerritRest.quote("say \"hi\""));
    assertThrows(IllegalArgumentException.class, () -> HttpGerritRest.quote("\"}"));
  }

  @Test
  void reviewPostsVerifiedMessageAndTagOnThatPatchSet() throws Exception {
    String uri = "/a/changes/packages%2Fnginx~12345/revisions/" + REV_A + "/review";
    gerrit.answer("POST", uri, 200, "{\"labels\":{\"Verified\":1}}");

    rest.review(
        NGINX_PS2, 1, "Build b42 succeeded: https://builds/b42", "autogenerated:perestroika");

    assertEquals(List.of("POST " + uri), gerrit.requestLines());
    JsonNode body = new ObjectMapper().readTree(gerrit.requests().get(0).body());
    assertEquals(1, body.path("labels").path("Verified").asInt());
    assertEquals("Build b42 succeeded: https://builds/b42", body.path("message").asText());
    assertEquals("autogenerated:perestroika", body.path("tag").asText());
  }

  @Test
  void refusedVotesAreNotRetryableAndOutagesAre() {
    String uri = "/a/changes/packages%2Fnginx~12345/revisions/" + REV_A + "/review";
    gerrit.answer("POST", uri, 409, "change is closed");

    GerritRestException conflict =
        assertThrows(GerritRestException.class, () -> rest.review(NGINX_PS2, -1, "m", "t"));
    assertEquals(OptionalInt.of(409), conflict.status());
    assertFalse(conflict.retryable());

    gerrit.answer("POST", uri, 503, "maintenance");
    GerritRestException outage =
        assertThrows(GerritRestException.class, () -> rest.review(NGINX_PS2, -1, "m", "t"));
    assertTrue(outage.retryable());
  }

  @Test
  void badCredentialsSayWhatToCheckWithoutThePassword() {
    gerrit.answer("GET", "/a/projects/packages%2Fnginx/branches/mos10.0", 401, "Unauthorized");

    GerritRestException e =
        assertThrows(GerritRestException.class, () -> rest.branchHead("packages/nginx", "mos10.0"));

    assertEquals(
        "Gerrit review: reading branch mos10.0 of packages/nginx failed with HTTP 401:"
            + " check the http user and its Gerrit HTTP password",
        e.getMessage());
    assertFalse(e.retryable());
    assertFalse(String.valueOf(e.getCause()).contains(PASSWORD));
  }

  @Test
  void findsOurEarlierVoteByTagPatchSetAndMarker() {
    String uri = "/a/changes/packages%2Fnginx~12345/messages";
    gerrit.answer(
        "GET",
        uri,
        200,
        "["
            + message("Uploaded patch set 2.", null, 2)
            + ","
            + message(
                "Patch Set 1: Verified+1\n\nBuild b40 succeeded", "autogenerated:perestroika", 1)
            + ","
            + message("Patch Set 2: Verified-1\n\nBuild b41 failed", "autogenerated:perestroika", 2)
            + ","
            + message("Patch Set 2:\n\nb42? recheck", null, 2)
            + "]");

    assertTrue(rest.hasReviewWithTag(NGINX_PS2, "autogenerated:perestroika", "b41"));
    assertFalse(rest.hasReviewWithTag(NGINX_PS2, "autogenerated:perestroika", "b40"));
    assertFalse(rest.hasReviewWithTag(NGINX_PS2, "autogenerated:perestroika", "b42"));
    assertFalse(rest.hasReviewWithTag(NGINX_PS2, "autogenerated:other", "b41"));
    assertEquals("GET " + uri, gerrit.requestLines().get(0));
  }

  @Test
  void changesGerritDescribesOddlyAreSkipped() {
    String uri = "/a/changes/?q=topic%3A%22t%22+status%3Aopen" + QUERY_OPTIONS;
    gerrit.answer(
        "GET",
        uri,
        200,
        "["
            + change(1, "not-a-change-id", "p", null, 1, REV_A, "09:00:00", "")
            + ","
            + change(2, ZLIB_ID, "p", null, 1, REV_A, "09:00:00", "")
            + "]");

    assertEquals(List.of("2,1"), rest.changesInTopic("t").stream().map(ChangeRef::label).toList());
  }

  private static String change(
      int number,
      String changeId,
      String project,
      String topic,
      int patchset,
      String revision,
      String updated,
      String moreChanges) {
    return "{\"id\":\""
        + project.replace("/", "%2F")
        + "~mos10.0~"
        + changeId
        + "\",\"project\":\""
        + project
        + "\",\"branch\":\"mos10.0\","
        + (topic == null ? "" : "\"topic\":\"" + topic + "\",")
        + "\"change_id\":\""
        + changeId
        + "\",\"subject\":\"Update\",\"status\":\"NEW\","
        + "\"created\":\"2024-06-10 08:00:00.000000000\","
        + "\"updated\":\"2024-06-10 "
        + updated
        + ".000000000\",\"_number\":"
        + number
        + ",\"owner\":{\"_account_id\":1000001},\"current_revision\":\""
        + revision
        + "\",\"revisions\":{\""
        + revision
        + "\":{\"kind\":\"REWORK\",\"_number\":"
        + patchset
        + ",\"created\":\"2024-06-10 08:00:00.000000000\",\"uploader\":{\"_account_id\":1000001},"
        + "\"ref\":\""
        + ChangeRef.expectedRef(number, patchset)
        + "\",\"fetch\":{}}}"
        + (moreChanges.isEmpty() ? "" : ",\"_more_changes\":" + moreChanges)
        + "}";
  }

  private static String branch(String revision) {
    return "{\"ref\":\"refs/heads/mos10.0\",\"revision\":\"" + revision + "\"}";
  }

  private static String message(String text, String tag, int patchset) {
    return "{\"id\":\"m"
        + Math.abs(text.hashCode())
        + "\",\"author\":{\"_account_id\":1000002},\"date\":\"2024-06-10 09:00:00.000000000\","
        + "\"message\":"
        + quoteJson(text)
        + (tag == null ? "" : ",\"tag\":\"" + tag + "\"")
        + ",\"_revision_number\":"
        + patchset
        + "}";
  }

  private static String quoteJson(String text) {
    return "\"" + text.replace("\n", "\\n").replace("\"", "\\\"") + "\"";
  }
}
