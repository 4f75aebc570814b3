package org.perestroika.testing.gerrit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Gerrit's authenticated REST API ({@code /a/}) over the JDK's HTTP client. */
final class GerritRest {
  private static final String XSSI_PREFIX = ")]}'";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final String authorization;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  GerritRest(URI httpUrl, String user, String password) {
    this.base = httpUrl.resolve("a/");
    this.authorization = basicAuthorization(user, password);
  }

  /** The {@code Authorization} header value; sent up front to skip Gerrit's 401 round trip. */
  static String basicAuthorization(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Encodes one path segment: project and branch names keep their slashes as {@code %2F}. */
  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Names a change unambiguously: a Change-Id alone may repeat across projects and branches. */
  static String triplet(String project, String branch, String changeId) {
    return encode(project) + "~" + encode(branch) + "~" + changeId;
  }

  String get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  String post(String path, String json) throws IOException, InterruptedException {
    return send(withJson(request(path), json, "POST"));
  }

  String put(String path, String json) throws IOException, InterruptedException {
    return send(withJson(request(path), json, "PUT"));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(TIMEOUT)
        .header("Authorization", authorization)
        .header("Accept", "application/json");
  }

  private static HttpRequest.Builder withJson(HttpRequest.Builder request, String json, String m) {
    return request
        .header("Content-Type", "application/json; charset=UTF-8")
        .method(m, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
  }

  private String send(HttpRequest.Builder builder) throws IOException, InterruptedException {
    HttpRequest request = builder.build();
    HttpResponse<String> response =
        client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    String body = stripPrefix(response.body());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          request.method()
              + " "
              + request.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + body.strip());
    }
    return body;
  }

  /** Removes the line Gerrit puts before JSON against cross-site script inclusion. */
  static String stripPrefix(String body) {
    if (!body.startsWith(XSSI_PREFIX)) {
      return body;
    }
    int newline = body.indexOf('\n');
    return newline < 0 ? "" : body.substring(newline + 1);
  }
}
