package org.perestroika.publisher.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;

class ClientConfigTest {
  static final Dist BOOKWORM =
      new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("http://deb.debian.org/debian"));
  static final Dist JAMMY =
      new Dist(
          "jammy", "ubuntu", PackageFormat.DEB, URI.create("http://archive.ubuntu.com/ubuntu"));
  static final Dist CENTOS7 =
      new Dist(
          "centos7",
          "centos-7",
          PackageFormat.RPM,
          URI.create("http://vault.centos.org/7.9.2009/os/x86_64"));
  static final Release MOS10 = new Release("mos10.0");
  static final Release MOS7 = new Release("mos7.0");

  @Test
  void aptByDefault() throws IOException {
    assertGolden(
        "default",
        repositories(MOS10, BOOKWORM, "http://mirror.example.org/mos/debian/", Set.of()),
        "sources.list",
        "mos.pref");
  }

  @Test
  void aptWithProposedOnUbuntu() throws IOException {
    assertGolden(
        "proposed",
        repositories(MOS10, JAMMY, "https://mirror.example.org/mos/ubuntu", Set.of(Suite.PROPOSED)),
        "sources.list",
        "mos.pref");
  }

  @Test
  void aptWithCustomRepositories() throws IOException {
    assertGolden(
        "custom",
        repositories(
            MOS10,
            BOOKWORM,
            "http://mirror.example.org/mos/debian",
            Set.of(),
            "hotfix=http://mirror.example.org/hotfix/debian,mos10.0-hotfix",
            "cr-1234=http://perestroika.example.org/review/CR-1234/debian",
            "cr-1240=file:/var/lib/perestroika/repos/review/CR-1240/debian"),
        "sources.list",
        "mos.pref");
  }

  @Test
  void yumForTheRpmFamily() throws IOException {
    assertGolden(
        "rpm",
        repositories(MOS7, CENTOS7, "http://mirror.example.org/mos/centos-7", Set.of()),
        "mos.repo");
  }

  @Test
  void yumWithProposedAndCustomRepositories() throws IOException {
    assertGolden(
        "rpm-custom",
        repositories(
            MOS7,
            CENTOS7,
            "file:///srv/mirror/centos-7/",
            Set.of(Suite.PROPOSED),
            "hotfix=http://mirror.example.org/hotfix/centos-7/x86_64"),
        "mos.repo");
  }

  @Test
  void theTiersRankAsTheSpecOrders() {
    List<Tier> order = Arrays.asList(Tier.values());
    assertEquals(List.of(Tier.CUSTOM, Tier.HOLDBACK, Tier.MOS, Tier.BASE_DISTRIBUTION), order);
    for (int i = 1; i < order.size(); i++) {
      Tier higher = order.get(i - 1);
      Tier lower = order.get(i);
      assertTrue(higher.aptPriority() > lower.aptPriority(), higher + " over " + lower + " in apt");
      assertTrue(higher.yumPriority() < lower.yumPriority(), higher + " over " + lower + " in yum");
    }
    // MOS and holdback win even over a higher version in the base distribution.
    assertTrue(Tier.MOS.aptPriority() >= Tier.APT_FORCE_DOWNGRADE);
    // apt's and yum's defaults, which the base distribution keeps by not being configured.
    assertEquals(500, Tier.BASE_DISTRIBUTION.aptPriority());
    assertEquals(99, Tier.BASE_DISTRIBUTION.yumPriority());
  }

  @Test
  void everyAptSourceWithoutAPinIsTheBaseDistribution() {
    ClientRepositories r =
        repositories(
            MOS10,
            BOOKWORM,
            "http://mirror.example.org/mos/debian",
            Set.of(Suite.PROPOSED),
            "hotfix=http://mirror.example.org/hotfix/debian,mos10.0-hotfix");
    String preferences = ClientConfig.aptPreferences(r);
    List<String> unpinned =
        ClientConfig.aptSources(r)
            .lines()
            .filter(line -> line.startsWith("deb "))
            .map(line -> line.split(" "))
            .map(words -> words[words.length - (words[1].startsWith("[") ? 3 : 2)])
            .filter(
                suite ->
                    !preferences.contains(",n=" + suite + "\n")
                        && !preferences.contains(" n=" + suite + "\n"))
            .toList();
    assertEquals(List.of("bookworm", "bookworm-updates", "bookworm-security"), unpinned);
  }

  @Test
  void customRepositoriesAreParsed() {
    assertEquals(
        new CustomRepository(
            "hotfix",
            new ClientUrl(URI.create("http://mirror/hotfix/debian")),
            java.util.Optional.of("mos10.0-hotfix")),
        CustomRepository.parse("hotfix=http://mirror/hotfix/debian,mos10.0-hotfix"));
    assertEquals(
        java.util.Optional.empty(), CustomRepository.parse("cr=file:/srv/review/debian").suite());
  }

  @Test
  void badCustomRepositoriesAreRefusedNamingTheProblem() {
    assertRefused("is not NAME=URL[,SUITE]", () -> CustomRepository.parse("http://mirror/x"));
    assertRefused("must be letters, digits", () -> CustomRepository.parse("hot fix=http://m/x"));
    assertRefused(
        "custom repository hotfix: URL 'ftp://m/x' is not usable",
        () -> CustomRepository.parse("hotfix=ftp://m/x"));
    assertRefused("is not usable", () -> CustomRepository.parse("hotfix=mirror/debian"));
    assertRefused("is not usable", () -> CustomRepository.parse("hotfix=http:///debian"));
    assertRefused("is not usable", () -> CustomRepository.parse("hotfix=http://m/x?y=1"));
    assertRefused("is not usable", () -> CustomRepository.parse("hotfix=http://m/x y"));
    assertRefused("is not one word", () -> CustomRepository.parse("hotfix=http://m/x,a b"));
    assertRefused("is not one word", () -> CustomRepository.parse("hotfix=http://m/x,"));
  }

  @Test
  void customRepositoriesThatAptCouldNotRankApartAreRefused() {
    assertRefused(
        "custom repository name 'hotfix' is given twice",
        () ->
            repositories(
                MOS10,
                BOOKWORM,
                "http://m/debian",
                Set.of(),
                "hotfix=http://a/debian,x1",
                "hotfix=http://b/debian,x2"));
    assertRefused(
        "'mos-updates' is the name of a MOS repository",
        () -> repositories(MOS7, CENTOS7, "http://m/centos-7", Set.of(), "mos-updates=http://a/r"));
    assertRefused(
        "uses suite mos10.0-updates, which the MOS mirror also serves",
        () ->
            repositories(
                MOS10,
                BOOKWORM,
                "http://m/debian",
                Set.of(),
                "hotfix=http://a/debian,mos10.0-updates"));
    assertRefused(
        "uses suite mos10.0-proposed (the default), which the MOS mirror also serves",
        () ->
            repositories(
                MOS10, BOOKWORM, "http://m/debian", Set.of(Suite.PROPOSED), "cr=http://a/debian"));
    assertRefused(
        "uses suite bookworm-security, which the base distribution also serves",
        () ->
            repositories(
                MOS10,
                BOOKWORM,
                "http://m/debian",
                Set.of(),
                "x=http://a/debian,bookworm-security"));
    assertRefused(
        "yum repositories have no suites",
        () -> repositories(MOS7, CENTOS7, "http://m/centos-7", Set.of(), "x=http://a/r,mos7.0"));
  }

  @Test
  void badSettingsAreRefused() {
    ClientUrl url = new ClientUrl(URI.create("http://m/debian"));
    Set<Suite> all = ClientRepositories.suitesWith(Set.of());
    assertRefused(
        "origin 'A,B' must be printable ASCII without commas",
        () -> new ClientRepositories(MOS10, BOOKWORM, url, "A,B", all, List.of()));
    assertRefused(
        "are always enabled",
        () ->
            new ClientRepositories(
                MOS10, BOOKWORM, url, "Perestroika", Set.of(Suite.BASE), List.of()));
    Dist ftp = new Dist("bookworm", "debian", PackageFormat.DEB, URI.create("ftp://m/debian"));
    assertRefused(
        "dist bookworm: its mirror URL 'ftp://m/debian' is not usable",
        () -> ClientConfig.files(new ClientRepositories(MOS10, ftp, url, "P", all, List.of())));
  }

  @Test
  void urlsAreWrittenAsEachClientExpects() {
    ClientUrl local = ClientUrl.parse("test", "file:///srv/mirror/debian/");
    assertEquals("file:/srv/mirror/debian", local.text());
    assertEquals("file:///srv/mirror/debian", local.yumText());
    assertEquals("file:/srv/mirror/debian/x", local.resolve("x").text());
    ClientUrl http = ClientUrl.parse("test", "http://mirror/mos//");
    assertEquals("http://mirror/mos", http.text());
    assertEquals("http://mirror/mos", http.yumText());
    assertEquals(
        "http://mirror/debian", ClientUrl.parse("test", "http://mirror").resolve("debian").text());
  }

  static ClientRepositories repositories(
      Release release, Dist dist, String url, Set<Suite> with, String... custom) {
    return new ClientRepositories(
        release,
        dist,
        ClientUrl.parse("the MOS mirror", url),
        "Perestroika",
        ClientRepositories.suitesWith(with),
        Arrays.stream(custom).map(CustomRepository::parse).toList());
  }

  private static void assertRefused(String message, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  /**
   * Compares each generated file with golden/client/CASE/NAME. A mismatch leaves the generated text
   * in target/golden-actual/ to compare and, once reviewed, copy over the golden file.
   */
  private static void assertGolden(String name, ClientRepositories r, String... files)
      throws IOException {
    List<ClientFile> generated = ClientConfig.files(r);
    assertEquals(List.of(files), generated.stream().map(ClientFile::name).toList());
    for (ClientFile file : generated) {
      String resource = "golden/client/" + name + "/" + file.name();
      if (!file.text().equals(read(resource))) {
        Path actual = Path.of("target/golden-actual").resolve(resource);
        Files.createDirectories(actual.getParent());
        Files.writeString(actual, file.text(), StandardCharsets.UTF_8);
      }
    }
    for (ClientFile file : generated) {
      String resource = "golden/client/" + name + "/" + file.name();
      assertEquals(
          read(resource), file.text(), resource + " (generated text in target/golden-actual)");
    }
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = ClientConfigTest.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
