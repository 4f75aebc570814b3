package org.perestroika.scheduler.gerrit;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach one Gerrit server: SSH for the event stream, HTTP for queries and votes.
 *
 * @param name our name for the server, used in logs, thread names and the build store
 * @param sshPort Gerrit's SSH port, 29418 unless configured otherwise
 * @param privateKey an unencrypted OpenSSH or PEM private key (RSA or ECDSA) the SSH user has
 *     registered in Gerrit
 * @param knownHosts an OpenSSH known_hosts file holding the server's host key; when empty any host
 *     key is accepted (with a warning on every connection), which suits only test set-ups
 * @param httpUrl the web address Gerrit is served at, such as {@code https://review.example.org} or
 *     {@code https://example.org/gerrit}; a trailing slash is dropped
 * @param httpPassword the user's Gerrit HTTP password (generated in Gerrit's settings)
 */
public record GerritServerConfig(
    String name,
    String sshHost,
    int sshPort,
    String sshUser,
    Path privateKey,
    Optional<Path> knownHosts,
    URI httpUrl,
    String httpUser,
    Secret httpPassword) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public GerritServerConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Gerrit server name '" + name + "' must be [A-Za-z0-9_.-], at most 64 characters");
    }
    requireText(sshHost, name, "ssh host");
    if (sshPort < 1 || sshPort > 65535) {
      throw new IllegalArgumentException("Gerrit " + name + ": ssh port " + sshPort + " invalid");
    }
    requireText(sshUser, name, "ssh user");
    Objects.requireNonNull(privateKey, "Gerrit " + name + ": private key path missing");
    Objects.requireNonNull(knownHosts, "knownHosts");
    Objects.requireNonNull(httpUrl, "Gerrit " + name + ": http url missing");
    if (!httpUrl.isAbsolute()
        || !("http".equals(httpUrl.getScheme()) || "https".equals(httpUrl.getScheme()))
        || httpUrl.getHost() == null
        || httpUrl.getRawQuery() != null
        || httpUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "Gerrit " + name + ": http url '" + httpUrl + "' must be http(s)://host[:port][/path]");
    }
    if (httpUrl.toString().endsWith("/")) {
      String text = httpUrl.toString();
      httpUrl = URI.create(text.substring(0, text.length() - 1));
    }
    if (httpUrl.getRawUserInfo() != null) {
      // A password in the URL would be printed wherever the URL is.
      throw new IllegalArgumentException(
          "Gerrit " + name + ": put the http user and password in their own settings, not the url");
    }
    requireText(httpUser, name, "http user");
    Objects.requireNonNull(httpPassword, "Gerrit " + name + ": http password missing");
  }

  private static void requireText(String value, String name, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Gerrit " + name + ": " + what + " missing");
    }
  }
}
