package org.perestroika.scheduler.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.perestroika.core.gerrit.ChangeRef;
import org.perestroika.scheduler.gerrit.GerritRest;
import org.perestroika.scheduler.gerrit.GerritRestException;
import org.perestroika.scheduler.gerrit.ProjectFilter;
import org.perestroika.scheduler.gerrit.UpdatedChange;

/**
 * A Gerrit server in memory: branch heads, patch sets and catch-up results are scripted by the
 * test; reviews are recorded, and {@link #hasReviewWithTag} answers from them as Gerrit would.
 */
public final class FakeGerritRest implements GerritRest {

  /** A review posted on one patch set. */
  public record Review(ChangeRef change, int verified, String message, String tag) {}

  /** A catch-up query as the scheduler asked it. */
  public record UpdatedQuery(Instant since, ProjectFilter projects) {}

  private final Map<String, String> heads = new LinkedHashMap<>();
  private final Map<String, ChangeRef> patchsets = new LinkedHashMap<>();
  private final Set<Integer> closed = new HashSet<>();
  private final List<UpdatedChange> updated = new ArrayList<>();
  private final List<UpdatedQuery> updatedQueries = new ArrayList<>();
  private final List<Review> reviews = new ArrayList<>();
  private int reviewsToRefuse;

  public synchronized FakeGerritRest branchHead(String project, String branch, String commit) {
    heads.put(project + "\n" + branch, commit);
    return this;
  }

  /** Makes the patch set known; its change counts as open until {@link #close} is called. */
  public synchronized FakeGerritRest patchset(ChangeRef change) {
    patchsets.put(change.number() + "," + change.patchset(), change);
    return this;
  }

  /** The change was merged or abandoned: it is no longer in any topic query. */
  public synchronized void close(int change) {
    closed.add(change);
  }

  /** Adds a change to what {@link #changesUpdatedSince} finds when it was updated late enough. */
  public synchronized void updated(UpdatedChange change) {
    updated.add(change);
  }

  /** A review posted before the test began, as by an earlier run of the scheduler. */
  public synchronized void posted(Review review) {
    reviews.add(review);
  }

  /** The next {@code count} reviews are refused with 409, as on a closed change. */
  public synchronized void refuseReviews(int count) {
    reviewsToRefuse = count;
  }

  public synchronized List<Review> reviews() {
    return List.copyOf(reviews);
  }

  public synchronized List<Review> reviewsOf(int change) {
    return reviews.stream().filter(r -> r.change().number() == change).toList();
  }

  public synchronized List<UpdatedQuery> updatedQueries() {
    return List.copyOf(updatedQueries);
  }

  @Override
  public synchronized List<UpdatedChange> changesUpdatedSince(
      Instant since, ProjectFilter projects) {
    updatedQueries.add(new UpdatedQuery(since, projects));
    return updated.stream()
        .filter(u -> u.updated().isAfter(since))
        .filter(u -> covers(projects, u.change().project()))
        .sorted(Comparator.comparing(UpdatedChange::updated))
        .toList();
  }

  @Override
  public synchronized Optional<String> branchHead(String project, String branch) {
    return Optional.ofNullable(heads.get(project + "\n" + branch));
  }

  @Override
  public synchronized List<ChangeRef> changesInTopic(String topic) {
    Map<Integer, ChangeRef> current = new LinkedHashMap<>();
    for (ChangeRef change : patchsets.values()) {
      if (change.topic().equals(Optional.of(topic)) && !closed.contains(change.number())) {
        current.merge(change.number(), change, (a, b) -> a.patchset() >= b.patchset() ? a : b);
      }
    }
    return current.values().stream().sorted(Comparator.comparing(ChangeRef::number)).toList();
  }

  @Override
  public synchronized ChangeRef change(int number, int patchset) {
    ChangeRef change = patchsets.get(number + "," + patchset);
    if (change == null) {
      throw new GerritRestException(
          "no patch set " + number + "," + patchset, false, OptionalInt.of(404), null);
    }
    return change;
  }

  @Override
  public synchronized void review(ChangeRef change, int verified, String message, String tag) {
    if (reviewsToRefuse > 0) {
      reviewsToRefuse--;
      throw new GerritRestException(
          "change " + change.number() + " is closed", false, OptionalInt.of(409), null);
    }
    reviews.add(new Review(change, verified, message, tag));
  }

  @Override
  public synchronized boolean hasReviewWithTag(ChangeRef change, String tag, String marker) {
    return reviews.stream()
        .anyMatch(
            r ->
                r.change().number() == change.number()
                    && r.change().patchset() == change.patchset()
                    && r.tag().equals(tag)
                    && r.message().contains(marker));
  }

  private static boolean covers(ProjectFilter filter, String project) {
    if (filter instanceof ProjectFilter.Prefix prefix) {
      return project.startsWith(prefix.prefix());
    }
    return ((ProjectFilter.Named) filter).projects().contains(project);
  }
}
