package org.perestroika.scheduler.testing;

import java.util.function.Consumer;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.Dist;
import org.perestroika.core.service.PackageBuilder;

/** Names the build environment, which the test may change; builds go through a dispatcher. */
public final class FakePackageBuilder implements PackageBuilder {
  private volatile String environment;

  public FakePackageBuilder(String environment) {
    this.environment = environment;
  }

  /** A new chroot snapshot, as after an update. */
  public void environment(String id) {
    environment = id;
  }

  @Override
  public String environmentId(Dist dist) {
    return dist.name() + "-" + environment;
  }

  @Override
  public BuildResult build(BuildRequest request, Consumer<String> log) {
    throw new UnsupportedOperationException("builds are dispatched, not built here");
  }
}
