package org.perestroika.scheduler.gerrit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in for Gerrit's REST API on 127.0.0.1: answers exact {@code METHOD /raw/path?query}
 * requests with canned JSON and records every request, so tests can assert what was sent.
 */
final class FakeGerritHttp implements AutoCloseable {
  /** What Gerrit prefixes its JSON with, against cross-site script inclusion. */
  static final String XSSI = ")]}'\n";

  /** One request as received. */
  record Request(String method, String uri, Optional<String> authorization, String body) {}

  private record Answer(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new HashMap<>();
  private final List<Request> requests = new ArrayList<>();

  FakeGerritHttp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers {@code method rawUri} with {@code status} and {@code json} (XSSI-prefixed). */
  synchronized FakeGerritHttp answer(String method, String rawUri, int status, String json) {
    answers.put(method + " " + rawUri, new Answer(status, json));
    return this;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<String> requestLines() {
    return requests.stream().map(r -> r.method() + " " + r.uri()).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().toString();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Answer answer;
    synchronized (this) {
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().toString(),
              Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")),
              body));
      answer = answers.getOrDefault(key, new Answer(404, "Not found: " + key));
    }
    byte[] bytes =
        (answer.status() < 300 ? XSSI + answer.body() : answer.body())
            .getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            answer.status() < 300 ? "application/json; charset=UTF-8" : "text/plain");
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
