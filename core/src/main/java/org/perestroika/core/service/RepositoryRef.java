package org.perestroika.core.service;

import java.util.regex.Pattern;

/**
 * Which repository tree of a publisher: the release mirror (empty path) or a test repository of its
 * own, such as {@code review/CR-1234} for a change under review.
 */
public record RepositoryRef(String path) {
  private static final Pattern PATH = Pattern.compile("([a-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9._-]+");

  public static final RepositoryRef MIRROR = new RepositoryRef("");

  public RepositoryRef {
    if (path == null || (!path.isEmpty() && !PATH.matcher(path).matches()) || path.contains("..")) {
      throw new IllegalArgumentException("repository path '" + path + "' is not a relative path");
    }
  }

  /** The test repository of a Gerrit change. */
  public static RepositoryRef review(int change) {
    return new RepositoryRef("review/CR-" + change);
  }

  public boolean isMirror() {
    return path.isEmpty();
  }
}
