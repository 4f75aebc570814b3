package org.perestroika.core.gerrit;

import java.util.regex.Pattern;

/** Git commit ids as Gerrit writes them: lower-case hex, SHA-1 or SHA-256 length. */
final class CommitIds {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private CommitIds() {}

  static boolean isCommitId(String value) {
    return value != null && COMMIT.matcher(value).matches();
  }

  static void require(String value, String what) {
    if (!isCommitId(value)) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a commit id");
    }
  }
}
