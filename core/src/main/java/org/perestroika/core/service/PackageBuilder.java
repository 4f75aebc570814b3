package org.perestroika.core.service;

import java.util.function.Consumer;
import org.perestroika.core.model.BuildRequest;
import org.perestroika.core.model.BuildResult;
import org.perestroika.core.model.Dist;

/**
 * Builds one source package on this host. The scheduler reaches the worker only through this
 * interface, so each can run alone on its own host.
 */
public interface PackageBuilder {

  /**
   * Runs the build, streaming each log line to {@code log}. Bad input and an unready host are
   * exceptions thrown before the build starts; how the build went is the result.
   *
   * @throws InterruptedException when the calling thread is interrupted: the build is cancelled and
   *     its container removed before this returns
   */
  BuildResult build(BuildRequest request, Consumer<String> log) throws InterruptedException;

  /**
   * The identity of the environment a build of this dist would run in now (the chroot snapshot),
   * part of what makes two builds the same build.
   */
  String environmentId(Dist dist);
}
