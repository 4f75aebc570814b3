package org.perestroika.core.model;

import java.util.Objects;

/** One repository of a release: the release plus a suite, written as its codename. */
public record PublishTarget(Release release, Suite suite) {

  public PublishTarget {
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(suite, "suite");
  }

  public String codename() {
    return suite.codename(release);
  }

  /** Parses a codename such as {@code mos10.0-proposed} or {@code mos10.0}. */
  public static PublishTarget parse(String codename) {
    int dash = codename.indexOf('-');
    if (dash < 0) {
      return new PublishTarget(new Release(codename), Suite.BASE);
    }
    return new PublishTarget(
        new Release(codename.substring(0, dash)), Suite.parse(codename.substring(dash + 1)));
  }

  @Override
  public String toString() {
    return codename();
  }
}
