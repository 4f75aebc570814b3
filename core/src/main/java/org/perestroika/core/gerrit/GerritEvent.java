package org.perestroika.core.gerrit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened on a Gerrit server, as {@code gerrit stream-events} and webhooks report
 * it. Only the events the scheduler acts on have a record of their own; every other type arrives as
 * {@link Unsupported}, so a new Gerrit release with new event types changes nothing here.
 */
public sealed interface GerritEvent {

  /** When Gerrit created the event ({@code eventCreatedOn}, whole seconds). */
  Instant createdOn();

  /** The event's {@code type} as Gerrit names it, such as {@code patchset-created}. */
  String type();

  /** An event about one patch set of one change. */
  sealed interface ChangeEvent extends GerritEvent {
    /** The change and the patch set the event is about. */
    ChangeRef change();
  }

  /** A new patch set was uploaded: build it and vote. */
  record PatchsetCreated(Instant createdOn, ChangeRef change, Optional<Account> uploader)
      implements ChangeEvent {
    public PatchsetCreated {
      Objects.requireNonNull(createdOn, "createdOn");
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(uploader, "uploader");
    }

    @Override
    public String type() {
      return "patchset-created";
    }
  }

  /** Someone commented on a patch set; the comment may ask for a rebuild. */
  record CommentAdded(Instant createdOn, ChangeRef change, Account author, String comment)
      implements ChangeEvent {
    public CommentAdded {
      Objects.requireNonNull(createdOn, "createdOn");
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(author, "author");
      Objects.requireNonNull(comment, "comment");
    }

    @Override
    public String type() {
      return "comment-added";
    }
  }

  /**
   * A change was merged.
   *
   * @param newRev the commit the branch was moved to; it differs from the patch set's revision when
   *     Gerrit rebased or cherry-picked on submit, and it is what a release build is made of. Empty
   *     from Gerrit versions that do not report it.
   */
  record ChangeMerged(
      Instant createdOn, ChangeRef change, Optional<Account> submitter, Optional<String> newRev)
      implements ChangeEvent {
    public ChangeMerged {
      Objects.requireNonNull(createdOn, "createdOn");
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(submitter, "submitter");
      Objects.requireNonNull(newRev, "newRev");
      newRev.ifPresent(rev -> CommitIds.require(rev, "change " + change.number() + " newRev"));
    }

    @Override
    public String type() {
      return "change-merged";
    }
  }

  /** A change was abandoned: its queued builds can be cancelled. */
  record ChangeAbandoned(
      Instant createdOn, ChangeRef change, Optional<Account> abandoner, Optional<String> reason)
      implements ChangeEvent {
    public ChangeAbandoned {
      Objects.requireNonNull(createdOn, "createdOn");
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(abandoner, "abandoner");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String type() {
      return "change-abandoned";
    }
  }

  /**
   * A ref moved outside code review, e.g. a direct push to a branch.
   *
   * @param refName the full ref name, such as {@code refs/heads/master}; Gerrit before 2.13 sent
   *     branches by short name, which the parser completes
   * @param oldRev 40 (or 64) zeros when the ref was created
   * @param newRev 40 (or 64) zeros when the ref was deleted
   */
  record RefUpdated(
      Instant createdOn,
      String project,
      String refName,
      String oldRev,
      String newRev,
      Optional<Account> submitter)
      implements GerritEvent {
    public RefUpdated {
      Objects.requireNonNull(createdOn, "createdOn");
      if (project == null || project.isBlank()) {
        throw new IllegalArgumentException("ref update: project missing");
      }
      if (refName == null || !refName.startsWith("refs/")) {
        throw new IllegalArgumentException(
            "ref update in " + project + ": ref '" + refName + "' is not a full ref name");
      }
      CommitIds.require(oldRev, "ref update of " + refName + " oldRev");
      CommitIds.require(newRev, "ref update of " + refName + " newRev");
      Objects.requireNonNull(submitter, "submitter");
    }

    @Override
    public String type() {
      return "ref-updated";
    }

    /** The ref was created by this update. */
    public boolean created() {
      return isZero(oldRev);
    }

    /** The ref was deleted by this update. */
    public boolean deleted() {
      return isZero(newRev);
    }

    /** The branch name when the ref is a branch ({@code refs/heads/...}). */
    public Optional<String> branch() {
      return refName.startsWith("refs/heads/")
          ? Optional.of(refName.substring("refs/heads/".length()))
          : Optional.empty();
    }

    private static boolean isZero(String rev) {
      return rev.chars().allMatch(c -> c == '0');
    }
  }

  /**
   * An event of a type the scheduler does not act on (reviewer-added, topic-changed,
   * dropped-output, plugin events...). Kept rather than dropped so that the stream's position still
   * advances past it.
   */
  record Unsupported(Instant createdOn, String type) implements GerritEvent {
    public Unsupported {
      Objects.requireNonNull(createdOn, "createdOn");
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException("event type missing");
      }
    }
  }
}
