package org.perestroika.bench.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.perestroika.core.gerrit.ChangeRef;
import org.perestroika.scheduler.gerrit.GerritRest;
import org.perestroika.scheduler.gerrit.ProjectFilter;
import org.perestroika.scheduler.gerrit.UpdatedChange;

/**
 * A Gerrit whose branches all point at one commit, with no topics, that knows the traced patch sets
 * and takes every vote, stamping the trace.
 */
final class BurstGerrit implements GerritRest {
  static final String BRANCH_HEAD = String.format("%040x", 0xc0ffeeL);

  private final Traces traces;

  BurstGerrit(Traces traces) {
    this.traces = traces;
  }

  @Override
  public List<UpdatedChange> changesUpdatedSince(Instant since, ProjectFilter projects) {
    return List.of();
  }

  @Override
  public Optional<String> branchHead(String project, String branch) {
    return Optional.of(BRANCH_HEAD);
  }

  @Override
  public List<ChangeRef> changesInTopic(String topic) {
    return List.of();
  }

  @Override
  public ChangeRef change(int number, int patchset) {
    return traces
        .of(number, patchset)
        .map(t -> t.change)
        .orElseThrow(() -> new IllegalArgumentException("no patch set " + number + "," + patchset));
  }

  @Override
  public void review(ChangeRef change, int verified, String message, String tag) {
    long now = System.nanoTime();
    traces
        .of(change.number(), change.patchset())
        .ifPresent(
            t -> {
              t.reviewed = now;
              t.vote = verified;
            });
  }

  @Override
  public boolean hasReviewWithTag(ChangeRef change, String tag, String marker) {
    return false;
  }
}
