package org.perestroika.worker.rpm;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.Release;
import org.perestroika.worker.Golden;

class MockConfigTest {
  static final Dist CENTOS7 =
      new Dist(
          "centos7",
          "centos-7",
          PackageFormat.RPM,
          URI.create("http://vault.centos.org/7.9.2009/os/x86_64"));
  static final MockConfig WITH_MOS =
      new MockConfig(
          CENTOS7,
          Optional.of(
              new MockConfig.Mos(new Release("mos7.0"), "http://mirror.example/mos/centos-7/")));

  @Test
  void theCentos7ConfigurationIsTheGoldenOne() {
    Golden.assertMatches("mock-centos7-mos7.0.cfg", WITH_MOS.render().lines().toList());
  }

  @Test
  void withoutMosOnlyTheDistsMirrorIsARepository() {
    Golden.assertMatches(
        "mock-centos7.cfg", new MockConfig(CENTOS7, Optional.empty()).render().lines().toList());
  }

  @Test
  void aValueThatWouldBreakOutOfItsQuotesIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new MockConfig.Mos(new Release("mos7.0"), "http://mirror/'''\nimport os"));
    Dist bad = new Dist("centos7", "centos-7", PackageFormat.RPM, URI.create("http://mirror/a'b"));
    assertThrows(
        IllegalArgumentException.class, () -> new MockConfig(bad, Optional.empty()).render());
  }
}
