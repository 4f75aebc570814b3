package org.perestroika.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The commits a package is built from, which its changelog entry names as the spec's metadata
 * requires: the source commit (the code) and the build commit (the packaging). In a code+spec pair
 * the build commit is the spec project's; when code and debian/ share one project both are the same
 * commit.
 *
 * @param source the full commit id of the code
 * @param build the full commit id of the packaging
 */
public record SourceCommits(String source, String build) {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  public SourceCommits {
    source = commitId(source, "source commit");
    build = commitId(build, "build commit");
  }

  /** Code and packaging from one commit, as in a project that holds its own debian/. */
  public static SourceCommits same(String commit) {
    return new SourceCommits(commit, commit);
  }

  /**
   * A full commit id in lower case.
   *
   * @param what names the value in the message, such as "source commit"
   * @throws IllegalArgumentException when it is not 40 (or, for SHA-256 repositories, 64) hex
   *     digits
   */
  public static String commitId(String value, String what) {
    String id = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (!COMMIT.matcher(id).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + value
              + "' is not a full commit id: give all 40 hex digits (64 in a SHA-256 repository),"
              + " as `git rev-parse HEAD` prints them");
    }
    return id;
  }

  /** Whether {@code value} is a full commit id as {@link #commitId} accepts it. */
  public static boolean isCommitId(String value) {
    return value != null && COMMIT.matcher(value.strip().toLowerCase(Locale.ROOT)).matches();
  }
}
