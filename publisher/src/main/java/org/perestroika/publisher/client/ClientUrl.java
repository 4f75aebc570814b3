package org.perestroika.publisher.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * Where a client reaches a repository: an http, https or file URL, checked once and written as each
 * client expects it.
 */
public record ClientUrl(URI uri) {
  private static final Set<String> SCHEMES = Set.of("http", "https", "file");
  private static final String USAGE =
      "URL '%s' is not usable: give http://HOST/PATH, https://HOST/PATH or file:/ABSOLUTE/PATH";

  public ClientUrl {
    if (uri == null
        || uri.getScheme() == null
        || !SCHEMES.contains(uri.getScheme())
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawPath() == null
        || !(uri.getRawPath().startsWith("/") || uri.getScheme().startsWith("http"))
        || uri.toString().contains("]")
        || (uri.getScheme().startsWith("http") && uri.getHost() == null)
        || (uri.getScheme().equals("file") && uri.getRawAuthority() != null)) {
      throw new IllegalArgumentException(USAGE.formatted(uri));
    }
  }

  /**
   * Parses a URL given on a command line.
   *
   * @param what the repository it locates, for the message
   */
  public static ClientUrl parse(String what, String text) {
    URI uri;
    try {
      uri = new URI(text == null ? "" : text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + ": " + USAGE.formatted(text), e);
    }
    try {
      return new ClientUrl(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /** The URL with {@code path} appended below it. */
  public ClientUrl resolve(String path) {
    String base = text();
    return new ClientUrl(URI.create(base.endsWith("/") ? base + path : base + "/" + path));
  }

  /** As apt's sources.list and our publisher write it: no trailing slash, {@code file:/path}. */
  public String text() {
    String text = uri.getScheme().equals("file") ? "file:" + uri.getRawPath() : uri.toString();
    while (text.endsWith("/") && !text.endsWith(":/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  /** As yum and dnf want it: {@code file:///path} for local trees. */
  public String yumText() {
    String text = text();
    return text.startsWith("file:/") ? "file://" + text.substring("file:".length()) : text;
  }

  @Override
  public String toString() {
    return text();
  }
}
