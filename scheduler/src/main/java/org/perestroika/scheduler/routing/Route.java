package org.perestroika.scheduler.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.perestroika.core.model.PublishTarget;

/**
 * Where a Gerrit project and branch lead: the customer, the release and its suite for merged
 * changes, the dists to build for, the package, and the projects that hold its code and its
 * packaging.
 *
 * @param dists every dist a change builds for, one build each (never empty)
 * @param role what the changed project holds
 * @param codeProject the project with the sources (the only project for a combined one)
 * @param specProject the project with debian/, for split packages
 */
public record Route(
    String gerritServer,
    String customer,
    PublishTarget mergeTarget,
    List<String> dists,
    String packageName,
    Role role,
    String codeProject,
    Optional<String> specProject,
    String branch) {

  public Route {
    Objects.requireNonNull(gerritServer, "gerritServer");
    Objects.requireNonNull(customer, "customer");
    Objects.requireNonNull(mergeTarget, "mergeTarget");
    dists = List.copyOf(dists);
    if (dists.isEmpty()) {
      throw new IllegalArgumentException("a route builds for at least one dist");
    }
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(codeProject, "codeProject");
    Objects.requireNonNull(specProject, "specProject");
    Objects.requireNonNull(branch, "branch");
    if ((role == Role.COMBINED) != specProject.isEmpty()) {
      throw new IllegalArgumentException("only split packages have a spec project");
    }
  }

  /** What a project holds. */
  public enum Role {
    /** Upstream sources: {@code <customer>/openstack/<pkg>}. */
    CODE,
    /** Packaging only: {@code <customer>/openstack-build/<pkg>}. */
    SPEC,
    /** Both in one tree: {@code <customer>/packages/fuel/<distro>/<pkg>}. */
    COMBINED
  }
}
