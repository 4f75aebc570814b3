package org.perestroika.core.gerrit;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One patch set of one Gerrit change: what a build is made from and what its vote is posted on.
 *
 * @param number the change number, as in {@code https://review/c/project/+/12345}
 * @param changeId the {@code Change-Id} footer, {@code I} and 40 hex digits
 * @param project the project path, such as {@code packages/nginx}
 * @param branch the short branch name, such as {@code master} (never {@code refs/heads/...})
 * @param topic the change's topic; changes of one topic are built together
 * @param patchset the patch set number, from 1
 * @param ref where the patch set can be fetched, {@code refs/changes/45/12345/2}
 * @param revision the patch set's commit, 40 (SHA-1) or 64 (SHA-256) lower-case hex digits
 */
public record ChangeRef(
    int number,
    String changeId,
    String project,
    String branch,
    Optional<String> topic,
    int patchset,
    String ref,
    String revision) {
  private static final Pattern CHANGE_ID = Pattern.compile("I[0-9a-f]{40}");

  public ChangeRef {
    if (number <= 0) {
      throw new IllegalArgumentException("change number " + number + " must be positive");
    }
    if (changeId == null || !CHANGE_ID.matcher(changeId).matches()) {
      throw new IllegalArgumentException(
          "change " + number + ": Change-Id '" + changeId + "' must be I and 40 hex digits");
    }
    requireText(project, number, "project");
    requireText(branch, number, "branch");
    if (branch.startsWith("refs/")) {
      throw new IllegalArgumentException(
          "change " + number + ": branch '" + branch + "' must be a short name such as master");
    }
    Objects.requireNonNull(topic, "topic");
    if (topic.isPresent() && topic.get().isBlank()) {
      throw new IllegalArgumentException("change " + number + ": topic is blank; leave it empty");
    }
    if (patchset <= 0) {
      throw new IllegalArgumentException(
          "change " + number + ": patch set " + patchset + " must be positive");
    }
    // Gerrit has always named patch set refs this way; a different one means the attributes were
    // mixed up between changes, and a build from it would fetch the wrong commit.
    String expected = expectedRef(number, patchset);
    if (!expected.equals(ref)) {
      throw new IllegalArgumentException(
          "change " + number + ": ref '" + ref + "' is not " + expected);
    }
    if (!CommitIds.isCommitId(revision)) {
      throw new IllegalArgumentException(
          "change " + number + ": revision '" + revision + "' is not a commit id");
    }
  }

  /** The ref Gerrit gives patch set {@code patchset} of change {@code number}. */
  public static String expectedRef(int number, int patchset) {
    return String.format("refs/changes/%02d/%d/%d", number % 100, number, patchset);
  }

  /** {@code 12345,2}: how Gerrit people name a patch set, for messages and logs. */
  public String label() {
    return number + "," + patchset;
  }

  private static void requireText(String value, int number, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("change " + number + ": " + what + " missing");
    }
  }
}
