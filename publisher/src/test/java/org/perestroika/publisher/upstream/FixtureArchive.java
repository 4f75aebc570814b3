package org.perestroika.publisher.upstream;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.perestroika.core.file.Sha256;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.testing.gpg.ThrowawayGpgHome;

/**
 * A base distro mirror for tests: {@code dists/<suite>/InRelease} and {@code
 * main/binary-amd64/Packages.xz} under a directory, served over HTTP on the loopback interface,
 * with every request recorded.
 */
public final class FixtureArchive implements AutoCloseable {
  private final Path root;
  private final UnaryOperator<byte[]> compress;
  private final BiConsumer<Path, Path> sign;
  private final HttpServer server;
  private final List<String> requests = new ArrayList<>();

  /**
   * @param compress turns a Packages file into the bytes served as Packages.xz
   * @param sign writes the InRelease (second path) for a Release file (first path)
   */
  public FixtureArchive(Path root, UnaryOperator<byte[]> compress, BiConsumer<Path, Path> sign) {
    this.root = root;
    this.compress = compress;
    this.sign = sign;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          synchronized (requests) {
            requests.add(path);
          }
          Path file = root.resolve(path.substring(1)).normalize();
          byte[] body = null;
          if (file.startsWith(root) && Files.isRegularFile(file)) {
            body = Files.readAllBytes(file);
          }
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
  }

  /**
   * An archive as a real one is made: indices compressed with xz, InRelease clear-signed by {@code
   * key} with gpg.
   */
  public static FixtureArchive signedBy(Path root, ThrowawayGpgHome key) {
    CommandRunner runner = new ProcessCommandRunner();
    return new FixtureArchive(
        root,
        plain -> {
          try {
            Path file = Files.createTempFile(root.getParent(), "Packages", "");
            Files.write(file, plain);
            runner.check(Command.of("xz", "--compress", "--force", file.toString()));
            Path packed = file.resolveSibling(file.getFileName() + ".xz");
            byte[] bytes = Files.readAllBytes(packed);
            Files.delete(packed);
            return bytes;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (release, inRelease) ->
            runner.check(
                Command.of(
                    "gpg",
                    "--batch",
                    "--homedir",
                    key.home().toString(),
                    "--local-user",
                    key.fingerprint(),
                    "--output",
                    inRelease.toString(),
                    "--clearsign",
                    release.toString())));
  }

  /** Writes {@code key}'s public key as a binary keyring, as an archive keyring package has it. */
  public static Path keyring(ThrowawayGpgHome key, Path file) {
    new ProcessCommandRunner()
        .check(
            Command.of(
                "gpg",
                "--batch",
                "--homedir",
                key.home().toString(),
                "--output",
                file.toString(),
                "--export",
                key.fingerprint()));
    return file;
  }

  /** The mirror's root URL, such as http://127.0.0.1:PORT/debian. */
  public URI uri() {
    return URI.create(
        "http://"
            + server.getAddress().getHostString()
            + ":"
            + server.getAddress().getPort()
            + "/debian");
  }

  /**
   * Writes a suite holding {@code packages} as its main/binary-amd64 index, listed by size and
   * SHA-256 (compressed and plain) in a signed Release.
   *
   * @param extraFields more Release fields, such as "Acquire-By-Hash: yes\n"
   */
  public void suite(String suite, String packages, String extraFields) {
    try {
      Path dir = Files.createDirectories(root.resolve("debian/dists").resolve(suite));
      byte[] plain = packages.getBytes(StandardCharsets.UTF_8);
      byte[] xz = compress.apply(plain);
      Path index = Files.createDirectories(dir.resolve("main/binary-amd64"));
      Path packed = Files.write(index.resolve("Packages.xz"), xz);
      Path byHash = Files.createDirectories(index.resolve("by-hash/SHA256"));
      Files.write(byHash.resolve(Sha256.of(packed)), xz);
      Path unpacked = Files.write(dir.resolve(".Packages"), plain);
      String release =
          "Origin: Fixture\nSuite: "
              + suite
              + "\nCodename: "
              + suite
              + "\n"
              + extraFields
              + "SHA256:\n "
              + Sha256.of(unpacked)
              + " "
              + plain.length
              + " main/binary-amd64/Packages\n "
              + Sha256.of(packed)
              + " "
              + xz.length
              + " main/binary-amd64/Packages.xz\n";
      Files.delete(unpacked);
      Path releaseFile = Files.writeString(dir.resolve("Release"), release);
      Files.deleteIfExists(dir.resolve("InRelease"));
      sign.accept(releaseFile, dir.resolve("InRelease"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces a served file's bytes, as a broken or half-updated mirror would serve them. */
  public void overwrite(String path, byte[] bytes) throws IOException {
    Files.write(root.resolve("debian").resolve(path), bytes);
  }

  /** The paths requested so far, in order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
