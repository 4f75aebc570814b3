package org.perestroika.scheduler.queue;

import java.util.Optional;

/** Builds to enqueue in tests. */
public final class Builds {
  private Builds() {}

  /** A review build of a code+spec project's change. */
  public static NewBuild review(String server, int change, int patchset) {
    return new NewBuild(
        BuildTrigger.REVIEW,
        server,
        Optional.of(change),
        Optional.of(patchset),
        "packages/nginx",
        "mos10.0",
        "acme",
        "mos10.0",
        "bookworm",
        "nginx",
        "0123456789abcdef0123456789abcdef0123456" + patchset % 10,
        Optional.empty(),
        "bookworm-20260101");
  }

  /** A manual build of a package whose spec lives in a project of its own. */
  public static NewBuild manual(String codeCommit) {
    return new NewBuild(
        BuildTrigger.MANUAL,
        "gerrit.example.org",
        Optional.empty(),
        Optional.empty(),
        "openstack/nova",
        "master",
        "acme",
        "mos10.0",
        "bookworm",
        "nova",
        codeCommit,
        Optional.of("fedcba9876543210fedcba9876543210fedcba98"),
        "bookworm-20260101");
  }
}
