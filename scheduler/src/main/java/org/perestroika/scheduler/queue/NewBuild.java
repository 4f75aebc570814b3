package org.perestroika.scheduler.queue;

import java.util.Objects;
import java.util.Optional;

/**
 * A build to schedule: what triggered it, which change (when one did), the package and its route,
 * and the exact inputs. {@link #inputsKey()} is equal for builds that would produce the same
 * artifacts.
 *
 * @param change the Gerrit change number, empty for manual builds
 * @param patchset the patch set number, empty for manual builds
 * @param codeCommit the commit of the code project (or the only project, for code+spec ones)
 * @param specCommit the commit of the spec project, empty for code+spec projects
 * @param environmentId the chroot snapshot the build will run on
 */
public record NewBuild(
    BuildTrigger trigger,
    String gerritServer,
    Optional<Integer> change,
    Optional<Integer> patchset,
    String project,
    String branch,
    String customer,
    String release,
    String dist,
    String packageName,
    String codeCommit,
    Optional<String> specCommit,
    String environmentId) {

  public NewBuild {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(gerritServer, "gerritServer");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(patchset, "patchset");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(customer, "customer");
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(packageName, "packageName");
    Objects.requireNonNull(codeCommit, "codeCommit");
    Objects.requireNonNull(specCommit, "specCommit");
    Objects.requireNonNull(environmentId, "environmentId");
  }

  /** Equal for builds of the same package from the same commits on the same chroot snapshot. */
  public String inputsKey() {
    return String.join("|", dist, packageName, codeCommit, specCommit.orElse("-"), environmentId);
  }
}
