package org.perestroika.publisher.client;

import java.util.List;
import org.perestroika.core.model.Dist;

/**
 * The base distribution's apt entries, laid out as its own mirrors are: the release, its updates
 * and its security suite, with the components MOS needs from it.
 */
record BaseDistribution(List<Entry> entries) {

  /** One sources.list entry of the base distribution. */
  record Entry(ClientUrl url, String suite, List<String> components) {}

  BaseDistribution {
    entries = List.copyOf(entries);
  }

  /**
   * Debian serves {@code -security} from a mirror of its own beside the archive ({@code
   * .../debian-security}); Ubuntu serves it from the archive. The spec asks for main, restricted,
   * universe and multiverse of Ubuntu; Debian's main holds what MOS needs.
   */
  static BaseDistribution of(Dist dist) {
    ClientUrl mirror;
    try {
      mirror = new ClientUrl(dist.mirror());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "dist " + dist.name() + ": its mirror " + e.getMessage(), e);
    }
    List<String> components =
        dist.family().equals("ubuntu")
            ? List.of("main", "restricted", "universe", "multiverse")
            : List.of("main");
    ClientUrl security =
        dist.family().equals("debian")
            ? ClientUrl.parse(dist.name(), mirror.text() + "-security")
            : mirror;
    return new BaseDistribution(
        List.of(
            new Entry(mirror, dist.name(), components),
            new Entry(mirror, dist.name() + "-updates", components),
            new Entry(security, dist.name() + "-security", components)));
  }

  List<String> suites() {
    return entries.stream().map(Entry::suite).toList();
  }
}
