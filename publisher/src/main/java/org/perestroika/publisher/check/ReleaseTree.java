package org.perestroika.publisher.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;
import org.perestroika.publisher.apt.AptRepository;

/**
 * A published apt tree as clients see it ({@code dists/<codename>/}, {@code pool/}, {@code
 * project/mos-archive-keyring.gpg}); suites are found by listing {@code dists/}, so suites added
 * later (such as {@code -hotfix}) are checked too.
 */
final class ReleaseTree {
  private final Path root;
  private final List<String> codenames;

  private ReleaseTree(Path root, List<String> codenames) {
    this.root = root;
    this.codenames = List.copyOf(codenames);
  }

  /**
   * Opens the tree at {@code root}, resolving its link once so that a publish switching the link
   * meanwhile cannot mix two snapshots into one check.
   *
   * @throws CheckException when there is no published tree at {@code root}
   */
  static ReleaseTree open(Path root) {
    Path dists = root.resolve("dists");
    if (!Files.isDirectory(dists)) {
      throw new CheckException(
          "there is no published repository at "
              + root
              + " (no dists/ directory): check --repo-root and --dist, or publish to it first");
    }
    try {
      Path real = root.toRealPath();
      try (Stream<Path> entries = Files.list(real.resolve("dists"))) {
        return new ReleaseTree(
            real,
            entries
                .filter(Files::isDirectory)
                .map(dir -> dir.getFileName().toString())
                .sorted()
                .toList());
      }
    } catch (IOException e) {
      throw new CheckException("cannot read the repository at " + root + ": " + e, e);
    }
  }

  Path root() {
    return root;
  }

  Path keyring() {
    return root.resolve("project").resolve(AptRepository.KEYRING_NAME);
  }

  Path suiteDir(String codename) {
    return root.resolve("dists").resolve(codename);
  }

  /** Every release that has a suite in the tree. */
  Set<Release> releases() {
    Set<Release> releases = new LinkedHashSet<>();
    for (String codename : codenames) {
      int dash = codename.indexOf('-');
      try {
        releases.add(new Release(dash < 0 ? codename : codename.substring(0, dash)));
      } catch (IllegalArgumentException e) {
        // A directory that names no release (such as a base distribution's) is not ours to check.
      }
    }
    return Set.copyOf(releases);
  }

  /** The release's suites in the tree: the base first, then the spec's order, then any others. */
  List<String> codenamesOf(Release release) {
    List<String> found = new ArrayList<>();
    for (String codename : codenames) {
      if (codename.equals(release.name()) || codename.startsWith(release.name() + "-")) {
        found.add(codename);
      }
    }
    found.sort(Comparator.comparingInt((String codename) -> rank(release, codename)));
    return List.copyOf(found);
  }

  /** The base, updates and security suites of {@code release}: what its clients install from. */
  List<String> clientSuitesOf(Release release) {
    List<String> suites = new ArrayList<>();
    for (Suite suite : List.of(Suite.BASE, Suite.UPDATES, Suite.SECURITY)) {
      if (codenames.contains(suite.codename(release))) {
        suites.add(suite.codename(release));
      }
    }
    return List.copyOf(suites);
  }

  private static int rank(Release release, String codename) {
    for (Suite suite : Suite.values()) {
      if (suite.codename(release).equals(codename)) {
        return suite.ordinal();
      }
    }
    return Suite.values().length;
  }
}
