package org.perestroika.publisher.client;

/**
 * Where a client ranks a repository, highest first, with the apt pin priority and the yum priority
 * that say so (apt: the higher number wins, 1000 and above even over an installed higher version;
 * yum: the lower number wins). {@link ClientConfig} explains the order from the spec.
 */
public enum Tier {
  /** Repositories of custom packages: above the MOS suites and the base distribution. */
  CUSTOM(1200, 10),
  /** {@code mosX.Y-holdback}: the version proven stable, even when the base distro has a newer. */
  HOLDBACK(1100, 20),
  /** {@code mosX.Y}, {@code -updates}, {@code -security} and {@code -proposed}: equal ranks. */
  MOS(1050, 30),
  /** The base distribution: neither apt nor yum is told anything, so it keeps their default. */
  BASE_DISTRIBUTION(500, 99);

  /** From this apt priority on, apt installs a version even when it is a downgrade. */
  public static final int APT_FORCE_DOWNGRADE = 1000;

  private final int aptPriority;
  private final int yumPriority;

  Tier(int aptPriority, int yumPriority) {
    this.aptPriority = aptPriority;
    this.yumPriority = yumPriority;
  }

  /** The Pin-Priority of apt_preferences(5). */
  public int aptPriority() {
    return aptPriority;
  }

  /** The {@code priority=} of yum-plugin-priorities and dnf, 1 to 99. */
  public int yumPriority() {
    return yumPriority;
  }
}
