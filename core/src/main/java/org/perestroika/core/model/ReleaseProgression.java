package org.perestroika.core.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order in which releases follow each other, such as {@code mos6.0 <= mos6.0.1 <= mos6.1 <=
 * mos7.0}: no package version may go down along it. Either configured as a list, or, when the list
 * is empty, the releases' own numbers in numeric order among releases of the same name prefix.
 */
public record ReleaseProgression(List<Release> order) {
  private static final Pattern PARTS = Pattern.compile("([a-z]+)([0-9.]+)");

  public ReleaseProgression {
    order = List.copyOf(order);
    if (new HashSet<>(order).size() != order.size()) {
      throw new IllegalArgumentException("the release progression " + order + " names one twice");
    }
  }

  /** The progression given by the releases' numbers alone. */
  public static ReleaseProgression natural() {
    return new ReleaseProgression(List.of());
  }

  /**
   * Those of {@code known} that come before {@code release}, in progression order.
   *
   * @throws IllegalArgumentException when the progression is configured and does not name {@code
   *     release}
   */
  public List<Release> earlier(Release release, Collection<Release> known) {
    List<Release> earlier = new ArrayList<>();
    if (order.isEmpty()) {
      known.stream()
          .filter(other -> naturalCompare(other, release).filter(c -> c < 0).isPresent())
          .sorted((a, b) -> naturalCompare(a, b).orElse(0))
          .forEach(earlier::add);
      return List.copyOf(earlier);
    }
    int position = order.indexOf(release);
    if (position < 0) {
      throw new IllegalArgumentException(
          "release "
              + release
              + " is not in the configured progression "
              + order
              + ": add it to publisher.progression in its place");
    }
    return order.subList(0, position).stream().filter(known::contains).toList();
  }

  /** Compares by number when both names share their letters, as mos6.1 and mos10.0 do. */
  private static Optional<Integer> naturalCompare(Release a, Release b) {
    Matcher left = PARTS.matcher(a.name());
    Matcher right = PARTS.matcher(b.name());
    if (!left.matches() || !right.matches() || !left.group(1).equals(right.group(1))) {
      return Optional.empty();
    }
    String[] x = left.group(2).split("\\.");
    String[] y = right.group(2).split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      // A missing part counts as below any part: mos6.0 comes before mos6.0.1.
      if (i >= x.length || i >= y.length) {
        return Optional.of(Integer.compare(x.length, y.length));
      }
      int c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
      if (c != 0) {
        return Optional.of(c);
      }
    }
    return Optional.of(0);
  }
}
