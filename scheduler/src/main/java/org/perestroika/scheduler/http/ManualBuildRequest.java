package org.perestroika.scheduler.http;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A build asked for by hand: a project and branch as Gerrit names them, and optionally the commit
 * to build (the branch's head otherwise). Commits are normalised to lower case.
 */
public record ManualBuildRequest(String project, String branch, Optional<String> commit) {
  private static final Pattern NAME = Pattern.compile("[^\\s\\p{Cntrl}]{1,255}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,64}");

  public ManualBuildRequest {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(commit, "commit");
    if (!NAME.matcher(project).matches()) {
      throw new IllegalArgumentException(
          "project must be a Gerrit project name such as packages/nginx, not \"" + project + "\"");
    }
    if (!NAME.matcher(branch).matches()) {
      throw new IllegalArgumentException(
          "branch must be a branch name such as mos10.0, not \"" + branch + "\"");
    }
    commit = commit.map(c -> c.toLowerCase(Locale.ROOT));
    if (commit.isPresent() && !COMMIT.matcher(commit.get()).matches()) {
      throw new IllegalArgumentException(
          "commit must be 7 to 64 hexadecimal digits of a commit id, not \"" + commit.get() + "\"");
    }
  }
}
