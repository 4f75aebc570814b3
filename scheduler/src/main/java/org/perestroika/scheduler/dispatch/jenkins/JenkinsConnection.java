package org.perestroika.scheduler.dispatch.jenkins;

import com.offbytwo.jenkins.client.JenkinsHttpClient;
import com.offbytwo.jenkins.model.BaseModel;
import com.offbytwo.jenkins.model.Crumb;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.http.Header;
import org.apache.http.HttpHeaders;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.NameValuePair;
import org.apache.http.client.HttpResponseException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;

/**
 * The HTTP side of one Jenkins: jenkins-client for the JSON models, and the same HTTP client (one
 * cookie store, so one web session for crumbs) for what jenkins-client does not do as needed.
 *
 * <p>Every path is relative to the configured base URL and built here, never taken from Jenkins'
 * answers: the URLs Jenkins puts in them follow its own "Jenkins URL" setting, which need not be
 * the address the farm reaches it at, and credentials are only ever sent to the configured host.
 */
final class JenkinsConnection implements Closeable {
  private static final int CONNECT_TIMEOUT_MS = 30_000;
  // Per read, not per response: a long artifact download is fine as long as bytes keep coming.
  private static final int READ_TIMEOUT_MS = 120_000;

  private final URI base;
  private final CloseableHttpClient http;
  private final JenkinsHttpClient client;
  private final RequestConfig noRedirects;
  // A crumb belongs to the web session it was issued in; holding the lock from fetching the crumb
  // to using it keeps a concurrent first request from replacing the session cookie in between.
  private final Object postLock = new Object();

  JenkinsConnection(JenkinsConfig config, int connections) {
    this.base = config.baseUrl();
    HttpHost jenkins = origin(base.getScheme(), base.getHost(), base.getPort());
    String authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (config.user() + ":" + config.apiToken()).getBytes(StandardCharsets.UTF_8));
    RequestConfig defaults =
        RequestConfig.custom()
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setConnectionRequestTimeout(CONNECT_TIMEOUT_MS)
            .setSocketTimeout(READ_TIMEOUT_MS)
            .build();
    this.noRedirects = RequestConfig.copy(defaults).setRedirectsEnabled(false).build();
    PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
    pool.setDefaultMaxPerRoute(connections);
    pool.setMaxTotal(connections);
    this.http =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setDefaultRequestConfig(defaults)
            .setUserAgent("perestroika")
            // Jenkins answers anonymous API calls with 403 rather than a challenge, so the
            // credentials go with every request: but only to Jenkins, never to a redirect target.
            .addInterceptorFirst(
                (HttpRequestInterceptor)
                    (request, context) -> {
                      HttpHost target = HttpClientContext.adapt(context).getTargetHost();
                      if (target != null
                          && jenkins.equals(
                              origin(
                                  target.getSchemeName(),
                                  target.getHostName(),
                                  target.getPort()))) {
                        request.setHeader(HttpHeaders.AUTHORIZATION, authorization);
                      }
                    })
            .build();
    this.client = new JenkinsHttpClient(base, http);
  }

  URI base() {
    return base;
  }

  /** GETs {@code path}/api/json into one of jenkins-client's models. */
  <T extends BaseModel> T get(String path, Class<T> model) throws IOException {
    return client.get(path, model);
  }

  /** The CSRF crumb to send with a POST, or empty when the server has CSRF protection off. */
  Optional<Crumb> crumb() throws IOException {
    try {
      return Optional.of(client.get("crumbIssuer", Crumb.class));
    } catch (HttpResponseException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * POSTs a form with a fresh crumb and returns the status and Location, whatever the status. Not
   * following redirects: a 303 from buildWithParameters points at a queue item, which has no page.
   */
  Answer post(String path, Map<String, String> form) throws IOException {
    HttpPost post = new HttpPost(base.resolve(path));
    post.setConfig(noRedirects);
    List<NameValuePair> pairs =
        form.entrySet().stream()
            .map(e -> (NameValuePair) new BasicNameValuePair(e.getKey(), e.getValue()))
            .toList();
    post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
    synchronized (postLock) {
      crumb().ifPresent(c -> post.setHeader(c.getCrumbRequestField(), c.getCrumb()));
      try (CloseableHttpResponse response = http.execute(post)) {
        EntityUtils.consume(response.getEntity());
        Header location = response.getFirstHeader(HttpHeaders.LOCATION);
        return new Answer(
            response.getStatusLine().getStatusCode(),
            response.getStatusLine().getReasonPhrase(),
            Optional.ofNullable(location).map(Header::getValue));
      }
    }
  }

  /**
   * Streams the console of the build at {@code buildPath} from byte {@code start} to {@code sink}.
   * jenkins-client's own call POSTs without a crumb to the URL Jenkins names; a GET is documented.
   */
  Progress progressiveText(String buildPath, long start, ChunkSink sink) throws IOException {
    HttpGet get = new HttpGet(base.resolve(buildPath + "logText/progressiveText?start=" + start));
    try (CloseableHttpResponse response = http.execute(get)) {
      check(response);
      long size = start;
      if (response.getEntity() != null) {
        try (InputStream in = response.getEntity().getContent()) {
          byte[] buffer = new byte[16 * 1024];
          for (int n; (n = in.read(buffer)) > 0; ) {
            sink.accept(buffer, 0, n);
            size += n;
          }
        }
      }
      Header textSize = response.getFirstHeader("X-Text-Size");
      if (textSize != null && textSize.getValue().trim().matches("\\d{1,18}")) {
        size = Long.parseLong(textSize.getValue().trim());
      }
      Header more = response.getFirstHeader("X-More-Data");
      boolean moreData = more != null && more.getValue().trim().equalsIgnoreCase("true");
      return new Progress(size, moreData);
    }
  }

  /**
   * Downloads the artifact at {@code relativePath} of the build at {@code buildPath} to {@code
   * target}, replacing it only once complete, and returns its SHA-256 and size.
   */
  Download download(String buildPath, String relativePath, Path target) throws IOException {
    HttpGet get = new HttpGet(base.resolve(buildPath + "artifact/" + encodePath(relativePath)));
    Path partial = target.resolveSibling(target.getFileName() + ".part");
    try (CloseableHttpResponse response = http.execute(get)) {
      check(response);
      MessageDigest sha256 = sha256();
      long size = 0;
      try (InputStream in = new DigestInputStream(response.getEntity().getContent(), sha256);
          OutputStream out = Files.newOutputStream(partial)) {
        size = in.transferTo(out);
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      return new Download(HexFormat.of().formatHex(sha256.digest()), size);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** One path segment, percent-encoded: job names and artifact paths may hold any character. */
  static String encodeSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    return String.join(
        "/",
        java.util.Arrays.stream(path.split("/")).map(JenkinsConnection::encodeSegment).toList());
  }

  private static void check(CloseableHttpResponse response) throws HttpResponseException {
    int status = response.getStatusLine().getStatusCode();
    if (status < 200 || status >= 300) {
      throw new HttpResponseException(status, response.getStatusLine().getReasonPhrase());
    }
  }

  private static HttpHost origin(String scheme, String host, int port) {
    String s = scheme.toLowerCase(Locale.ROOT);
    int effective = port >= 0 ? port : s.equals("https") ? 443 : 80;
    return new HttpHost(host.toLowerCase(Locale.ROOT), effective, s);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Where console bytes go as they arrive. */
  interface ChunkSink {
    void accept(byte[] bytes, int offset, int length);
  }

  /** What a POST was answered with. */
  record Answer(int status, String reason, Optional<String> location) {}

  /** How far the console has been read, and whether Jenkins says more is coming. */
  record Progress(long textSize, boolean moreData) {}

  /** A downloaded file's checksum and size. */
  record Download(String sha256, long size) {}
}
