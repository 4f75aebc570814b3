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
   * Publishes one build's packages to a suite of one repository, all or nothing: the apt repository
   * for a deb dist (the .changes in {@code output}), the yum repository for an rpm dist (the SRPM
   * and binary RPMs in {@code output}).
   *
   * @param output the build's output directory
   * @param dist the dist the packages were built for, which picks the OS family's tree and format
   */
  PublishOutcome publish(Path output, Dist dist, RepositoryRef repository, PublishTarget target);

  /** Deletes a test repository with everything in it; the mirror cannot be removed. */
  void remove(RepositoryRef repository);
}
