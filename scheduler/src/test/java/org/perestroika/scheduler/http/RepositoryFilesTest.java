package org.perestroika.scheduler.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.scheduler.http.ManualBuildOutcome.Rejected;
import org.perestroika.scheduler.queue.DatabaseLocation;
import org.perestroika.scheduler.queue.JdbcBuildStore;
import org.perestroika.testing.TestingClock;

/**
 * The repository trees under {@code /repos/}, laid out as the publisher lays them: a tree is a link
 * to its snapshot's public directory, whose pool links to the pool the snapshots share.
 */
class RepositoryFilesTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private JdbcBuildStore store;
  private ApiServer server;
  private String base;

  @BeforeEach
  void start() throws IOException {
    Path root = dir.resolve("repos");
    Path tree = root.resolve("review/CR-5");
    Path snapshot = tree.resolve(".debian.snapshots/2");
    Files.createDirectories(snapshot.resolve("public/dists/mos10.0"));
    Files.createDirectories(snapshot.resolve("db"));
    Files.writeString(snapshot.resolve("public/dists/mos10.0/InRelease"), "signed\n");
    Files.writeString(snapshot.resolve("db/packages.db"), "reprepro's own\n");
    Path pool = tree.resolve(".debian.snapshots/shared/public/pool/main/h/hello");
    Files.createDirectories(pool);
    Files.write(pool.resolve("hello_1.0_amd64.deb"), new byte[] {1, 2, 3});
    Files.createSymbolicLink(snapshot.resolve("public/pool"), Path.of("../../shared/public/pool"));
    Files.createSymbolicLink(tree.resolve("debian"), Path.of(".debian.snapshots/2/public"));
    Files.writeString(dir.resolve("secret"), "outside the root\n");
    Files.createSymbolicLink(root.resolve("review/escape"), dir.resolve("secret"));

    TestingClock clock = TestingClock.at("2026-03-02T12:00:00Z");
    store = JdbcBuildStore.open(DatabaseLocation.embedded(dir.resolve("state")), clock);
    server =
        new ApiServer(
            new ApiConfig(
                new InetSocketAddress("127.0.0.1", 0), 2, Duration.ofMillis(20), Optional.of(root)),
            store,
            build -> Optional.empty(),
            request -> new Rejected("no manual builds here"),
            (headers, body) -> new WebhookOutcome.BadSecret(),
            List.of(),
            new Metrics());
    server.start();
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  @Test
  void servesIndicesAndPoolFilesThroughTheTreesLinks() throws Exception {
    var release = get("/repos/review/CR-5/debian/dists/mos10.0/InRelease");
    assertEquals(200, release.statusCode());
    assertEquals("signed\n", new String(release.body()));
    var deb = get("/repos/review/CR-5/debian/pool/main/h/hello/hello_1.0_amd64.deb");
    assertEquals(200, deb.statusCode());
    assertArrayEquals(new byte[] {1, 2, 3}, deb.body());
    var head =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/repos/review/CR-5/debian/dists/mos10.0/InRelease"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofByteArray());
    assertEquals(200, head.statusCode());
  }

  @Test
  void hiddenNamesDirectoriesLinksOutOfTheRootAndDotDotAreNotFound() throws Exception {
    for (String path :
        List.of(
            "/repos/review/CR-5/.debian.snapshots/2/db/packages.db",
            "/repos/review/CR-5/debian/dists",
            "/repos/review/escape",
            "/repos/review/CR-5/../escape",
            "/repos/review/CR-5/debian/%2e%2e/db/packages.db",
            "/repos/review/CR-5/debian/dists/mos10.0/Nothing")) {
      var response = get(path);
      assertEquals(404, response.statusCode(), path);
      assertTrue(!new String(response.body()).contains("outside the root"), path);
    }
    var post =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + "/repos/review/CR-5/debian/dists/mos10.0/InRelease"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofByteArray());
    assertEquals(405, post.statusCode());
  }

  private java.net.http.HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(), BodyHandlers.ofByteArray());
  }
}
