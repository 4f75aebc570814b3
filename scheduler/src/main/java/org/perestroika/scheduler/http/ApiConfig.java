package org.perestroika.scheduler.http;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP API listens: the address, how many requests it serves at once (a live log being
 * followed takes one of them for as long as its build runs), how often a live log is polled, and
 * the repository root it serves under {@code /repos/}, if any.
 */
public record ApiConfig(
    InetSocketAddress address, int threads, Duration logPollInterval, Optional<Path> repositories) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  public ApiConfig {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(logPollInterval, "logPollInterval");
    Objects.requireNonNull(repositories, "repositories");
    if (threads < 1) {
      throw new IllegalArgumentException("the HTTP API needs at least one thread: " + threads);
    }
    if (logPollInterval.isNegative() || logPollInterval.isZero()) {
      throw new IllegalArgumentException("logPollInterval must be positive: " + logPollInterval);
    }
  }

  /** 127.0.0.1:8080, 16 threads, live logs polled four times a second, no repositories. */
  public static ApiConfig defaults() {
    return new ApiConfig(
        new InetSocketAddress(DEFAULT_HOST, DEFAULT_PORT),
        16,
        Duration.ofMillis(250),
        Optional.empty());
  }

  public ApiConfig withAddress(InetSocketAddress newAddress) {
    return new ApiConfig(newAddress, threads, logPollInterval, repositories);
  }

  /** The same, serving the repository trees under {@code root} at {@code /repos/}. */
  public ApiConfig withRepositories(Path root) {
    return new ApiConfig(address, threads, logPollInterval, Optional.of(root));
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port}, or {@code :port} (all interfaces), as a
   * configuration file gives it.
   */
  public static InetSocketAddress parseAddress(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "an HTTP address is host:port, such as 127.0.0.1:8080, not " + text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port of HTTP address " + text + " is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the port of HTTP address " + text + " is out of range");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
