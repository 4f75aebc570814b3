package org.perestroika.publisher.apt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;

/** Writes and reads reprepro's conf/distributions: one stanza per suite of each release. */
final class DistributionsFile {

  private DistributionsFile() {}

  /** Every suite of every release, in release order, each release's suites in spec order. */
  static List<String> codenames(List<Release> releases) {
    List<String> codenames = new ArrayList<>();
    for (Release release : releases) {
      for (Suite suite : Suite.values()) {
        codenames.add(suite.codename(release));
      }
    }
    return List.copyOf(codenames);
  }

  /**
   * The suites a conf lists, plus {@code added}: in the order of their releases' first appearance,
   * each release's suites in spec order.
   */
  static List<String> withSuites(List<String> codenames, List<String> added) {
    Map<Release, Set<Suite>> byRelease = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(codenames);
    all.addAll(added);
    for (String codename : all) {
      PublishTarget target = PublishTarget.parse(codename);
      byRelease.computeIfAbsent(target.release(), r -> new TreeSet<>()).add(target.suite());
    }
    List<String> ordered = new ArrayList<>();
    byRelease.forEach(
        (release, suites) -> suites.forEach(suite -> ordered.add(suite.codename(release))));
    return List.copyOf(ordered);
  }

  static String render(AptRepositoryConfig config, List<String> codenames) {
    StringBuilder text = new StringBuilder();
    for (String codename : codenames) {
      if (!text.isEmpty()) {
        text.append('\n');
      }
      text.append("Origin: ").append(config.origin()).append('\n');
      text.append("Label: ").append(config.label()).append('\n');
      // Suite repeats the codename so that apt pinning by a= and by n= both work.
      text.append("Suite: ").append(codename).append('\n');
      text.append("Codename: ").append(codename).append('\n');
      text.append("Architectures: ").append(String.join(" ", config.architectures())).append('\n');
      text.append("Components: ").append(String.join(" ", config.components())).append('\n');
      text.append("Description: ").append(config.label()).append(' ').append(codename).append('\n');
    }
    return text.toString();
  }

  /** The releases a conf/distributions written by {@link #render} describes, in order. */
  static List<Release> releases(String text, String sourceName) {
    Set<Release> releases = new LinkedHashSet<>();
    for (String codename : codenames(text, sourceName)) {
      releases.add(PublishTarget.parse(codename).release());
    }
    return List.copyOf(releases);
  }

  /** The suites a conf/distributions written by {@link #render} lists, in order. */
  static List<String> codenames(String text, String sourceName) {
    List<String> codenames = new ArrayList<>();
    for (Deb822.Paragraph paragraph : Deb822.parse(text, sourceName)) {
      String codename = paragraph.require("Codename");
      try {
        PublishTarget.parse(codename);
      } catch (IllegalArgumentException e) {
        throw paragraph.error(
            paragraph.field("Codename").orElseThrow().line(),
            "codename '" + codename + "' is not a release suite: " + e.getMessage());
      }
      codenames.add(codename);
    }
    return List.copyOf(codenames);
  }
}
