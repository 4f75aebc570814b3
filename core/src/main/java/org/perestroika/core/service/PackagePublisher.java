package org.perestroika.core.service;

import java.nio.file.Path;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PublishTarget;

/**
 * Publishes built packages to signed repositories. The scheduler reaches the publisher only through
 * this interface; the signing key stays behind it.
 */
public interface PackagePublisher {

  /**
   * Publishes a build's .changes to a suite of one repository, all or nothing.
   *
   * @param dist the dist the packages were built for, which picks the OS family's tree
   */
  PublishOutcome publish(Path changes, Dist dist, RepositoryRef repository, PublishTarget target);

  /** Deletes a test repository with everything in it; the mirror cannot be removed. */
  void remove(RepositoryRef repository);
}
