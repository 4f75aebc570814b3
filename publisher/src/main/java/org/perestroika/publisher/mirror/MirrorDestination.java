package org.perestroika.publisher.mirror;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a mirror is, as rsync reaches it: an rsync daemon module ({@code
 * rsync://host[:port]/module[/path]}), a directory over ssh ({@code [user@]host:/path}) or a local
 * directory.
 *
 * @param kind how rsync reaches it
 * @param base the rsync location of the mirror's root, without a trailing slash
 */
public record MirrorDestination(Kind kind, String base) {
  private static final String HOST =
      "([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])";
  private static final Pattern DAEMON =
      Pattern.compile("rsync://" + HOST + "(?::([0-9]{1,5}))?/([A-Za-z0-9][A-Za-z0-9._-]*)(/.*)?");
  private static final Pattern SHELL =
      Pattern.compile("(?:([A-Za-z0-9._][A-Za-z0-9._-]*)@)?" + HOST + ":(.*)");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+~@=-]+");

  /** How rsync reaches a mirror. */
  public enum Kind {
    /** An rsync daemon: no remote shell, so no rename or delete other than rsync's own. */
    DAEMON,
    /** rsync over ssh. */
    SHELL,
    /** A directory on this host. */
    LOCAL
  }

  public MirrorDestination {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(base, "base");
    if (base.isEmpty() || base.endsWith("/")) {
      throw new IllegalArgumentException("mirror base '" + base + "' must not end with '/'");
    }
  }

  /**
   * Parses a destination as a person writes it on the command line.
   *
   * @throws IllegalArgumentException naming what is wrong and the forms that are accepted
   */
  public static MirrorDestination parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text, "it is empty");
    }
    if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw invalid(text, "it contains white space");
    }
    if (text.startsWith("rsync://")) {
      Matcher daemon = DAEMON.matcher(text);
      if (!daemon.matches()) {
        throw invalid(text, "an rsync daemon destination is rsync://host[:port]/module[/path]");
      }
      String port = daemon.group(2);
      if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
        throw invalid(text, "port " + port + " is not between 1 and 65535");
      }
      String path = remotePath(text, daemon.group(4) == null ? "" : daemon.group(4), false);
      return new MirrorDestination(
          Kind.DAEMON,
          "rsync://"
              + daemon.group(1)
              + (port == null ? "" : ":" + Integer.parseInt(port))
              + "/"
              + daemon.group(3)
              + path);
    }
    if (text.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw invalid(text, "only rsync:// is understood as a URL; for ssh write [user@]host:/path");
    }
    if (text.contains("::")) {
      throw invalid(text, "write an rsync daemon module as rsync://host/module, not host::module");
    }
    int colon = text.indexOf(':');
    int slash = text.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) {
      Matcher shell = SHELL.matcher(text);
      if (!shell.matches()) {
        throw invalid(text, "an ssh destination is [user@]host:/path");
      }
      String path = shell.group(3);
      if (!path.startsWith("/")) {
        throw invalid(text, "give an absolute path after the colon, as in host:/srv/mirror");
      }
      String normalized = remotePath(text, path, true);
      return new MirrorDestination(
          Kind.SHELL,
          (shell.group(1) == null ? "" : shell.group(1) + "@") + shell.group(2) + ":" + normalized);
    }
    Path local;
    try {
      local = Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw invalid(text, e.getMessage());
    }
    if (local.getParent() == null) {
      throw invalid(text, "the file system root cannot be a mirror");
    }
    return new MirrorDestination(Kind.LOCAL, local.toString());
  }

  /** Checks each segment of a remote path; returns it with one leading slash and none trailing. */
  private static String remotePath(String text, String path, boolean mustHaveOne) {
    StringBuilder normalized = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals(".") || segment.equals("..") || !SEGMENT.matcher(segment).matches()) {
        throw invalid(text, "path segment '" + segment + "' is not a plain name");
      }
      normalized.append('/').append(segment);
    }
    if (mustHaveOne && normalized.isEmpty()) {
      throw invalid(text, "the file system root cannot be a mirror");
    }
    return normalized.toString();
  }

  private static IllegalArgumentException invalid(String text, String problem) {
    return new IllegalArgumentException(
        "mirror destination '"
            + text
            + "' is not usable: "
            + problem
            + ". Use rsync://host[:port]/module[/path] (rsync daemon), [user@]host:/path"
            + " (rsync over ssh) or a local directory");
  }

  /** The rsync location of {@code relative} (no leading slash) under the mirror's root. */
  public String resolve(String relative) {
    return relative.isEmpty() ? base + "/" : base + "/" + relative;
  }

  @Override
  public String toString() {
    return base;
  }
}
