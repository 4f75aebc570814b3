package org.perestroika.scheduler.source;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Gerrit server that projects are fetched from: its HTTP base URL, and the HTTP credentials
 * when access is authenticated. A {@code file:} base serves local repositories, without
 * credentials.
 *
 * @param base such as {@code https://review.example.com}; never holds credentials itself
 * @param user the Gerrit user, present exactly when {@code password} is
 * @param password the user's HTTP password, a secret that {@link #toString} masks
 */
public record GitRemote(URI base, Optional<String> user, Optional<String> password) {
  private static final Set<String> SCHEMES = Set.of("https", "http", "file");

  public GitRemote {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    String scheme = base.getScheme();
    if (scheme == null || !SCHEMES.contains(scheme) || base.isOpaque()) {
      throw new IllegalArgumentException(
          "Gerrit base URL '" + base + "' must be https://, http:// or file:///");
    }
    // Credentials in the URL would reach git's command line, its messages and the logs.
    if (base.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "Gerrit base URL for "
              + base.getHost()
              + " holds credentials: give the user and password apart from the URL");
    }
    if (base.getRawQuery() != null || base.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "Gerrit base URL '" + base + "' must have no query or fragment");
    }
    if (user.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(
          "Gerrit at " + base + ": a user and a password go together, but only one is given");
    }
    if (user.isPresent()) {
      if (scheme.equals("file")) {
        throw new IllegalArgumentException(
            "Gerrit base URL '" + base + "' is local: it takes no user or password");
      }
      if (user.get().isBlank() || !credentialSafe(user.get())) {
        throw new IllegalArgumentException(
            "Gerrit at " + base + ": the user must be non-blank, on one line");
      }
      if (password.get().isEmpty() || !credentialSafe(password.get())) {
        throw new IllegalArgumentException(
            "Gerrit at " + base + ": the password must be non-empty, on one line");
      }
    }
    String text = base.toString();
    while (text.endsWith("/") && !text.endsWith("://") && !text.endsWith(":///")) {
      text = text.substring(0, text.length() - 1);
    }
    base = URI.create(text);
  }

  /** Anonymous access: projects at {@code <base>/<project>}. */
  public static GitRemote anonymous(URI base) {
    return new GitRemote(base, Optional.empty(), Optional.empty());
  }

  /** Authenticated access: projects at {@code <base>/a/<project>}, as Gerrit lays them out. */
  public static GitRemote authenticated(URI base, String user, String password) {
    return new GitRemote(base, Optional.of(user), Optional.of(password));
  }

  public boolean isAuthenticated() {
    return user.isPresent();
  }

  /** The URL git fetches the project from; it never holds the credentials. */
  public String projectUrl(String project) {
    return base + (isAuthenticated() ? "/a/" : "/") + project;
  }

  @Override
  public String toString() {
    return "GitRemote[base="
        + base
        + ", user="
        + user.orElse("(anonymous)")
        + ", password="
        + password.map(p -> "****").orElse("(none)")
        + "]";
  }

  // The credential protocol is line-based: a newline would let a value forge another attribute.
  private static boolean credentialSafe(String value) {
    return value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\0') < 0;
  }
}
