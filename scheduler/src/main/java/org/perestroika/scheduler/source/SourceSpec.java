package org.perestroika.scheduler.source;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.perestroika.core.model.SourceCommits;

/**
 * The commits a source package is assembled from: the upstream code, and the packaging when it
 * lives in a spec project of its own.
 *
 * @param codeProject the Gerrit project holding the sources (and debian/ when there is no spec)
 * @param codeCommit the full commit id in it
 * @param codeRef a ref that holds the commit, fetched when the server will not hand out the commit
 *     by id alone, such as a change's patch set {@code refs/changes/34/1234/2}
 * @param specProject the Gerrit project whose top-level debian/ packages the code
 * @param specCommit the full commit id in it, present exactly when {@code specProject} is
 * @param specRef a ref that holds the spec commit, as {@code codeRef}
 */
public record SourceSpec(
    String codeProject,
    String codeCommit,
    Optional<String> codeRef,
    Optional<String> specProject,
    Optional<String> specCommit,
    Optional<String> specRef) {

  // Each segment starts with a letter or digit, which also keeps "." and ".." out of mirror paths.
  static final Pattern PROJECT =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*(?:/[A-Za-z0-9][A-Za-z0-9._+-]*)*");
  // Only full ids: a server cannot be asked for an abbreviated one.
  static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
  private static final Pattern REF =
      Pattern.compile("refs/(?:[A-Za-z0-9_+-][A-Za-z0-9._+-]*/)*[A-Za-z0-9_+-][A-Za-z0-9._+-]*");

  public SourceSpec {
    codeProject = project(codeProject, "code project");
    codeCommit = commit(codeCommit, codeProject);
    if (Objects.requireNonNull(codeRef, "codeRef").isPresent()) {
      checkRef(codeRef.get(), codeProject);
    }
    Objects.requireNonNull(specProject, "specProject");
    Objects.requireNonNull(specCommit, "specCommit");
    Objects.requireNonNull(specRef, "specRef");
    if (specProject.isPresent() != specCommit.isPresent()) {
      throw new IllegalArgumentException(
          codeProject + ": a spec project and a spec commit go together, but only one is given");
    }
    if (specProject.isPresent()) {
      String project = project(specProject.get(), "spec project");
      specProject = Optional.of(project);
      specCommit = Optional.of(commit(specCommit.get(), project));
      if (specRef.isPresent()) {
        checkRef(specRef.get(), project);
      }
    } else if (specRef.isPresent()) {
      throw new IllegalArgumentException(
          codeProject + ": a spec ref (" + specRef.get() + ") is given without a spec project");
    }
  }

  /** Sources and debian/ in one tree, as in {@code packages/fuel/<distro>/<package>}. */
  public static SourceSpec combined(String project, String commit) {
    return new SourceSpec(
        project, commit, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Upstream code in one project, packaging in the top-level debian/ of another. */
  public static SourceSpec split(
      String codeProject, String codeCommit, String specProject, String specCommit) {
    return new SourceSpec(
        codeProject,
        codeCommit,
        Optional.empty(),
        Optional.of(specProject),
        Optional.of(specCommit),
        Optional.empty());
  }

  public SourceSpec withCodeRef(String ref) {
    return new SourceSpec(
        codeProject, codeCommit, Optional.of(ref), specProject, specCommit, specRef);
  }

  public SourceSpec withSpecRef(String ref) {
    return new SourceSpec(
        codeProject, codeCommit, codeRef, specProject, specCommit, Optional.of(ref));
  }

  /**
   * The commits the package's changelog names: the code commit as the source commit, and the spec
   * commit (the code commit again when there is no spec project) as the build commit.
   */
  public SourceCommits commits() {
    return new SourceCommits(codeCommit, specCommit.orElse(codeCommit));
  }

  /** Whether the packaging comes from a spec project apart from the code. */
  public boolean isSplit() {
    return specProject.isPresent();
  }

  private static String project(String project, String what) {
    if (project == null || !PROJECT.matcher(project).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + project
              + "' is not a Gerrit project name such as customer/openstack/nova"
              + " (segments of letters, digits and . _ + -, not starting with a dot)");
    }
    return project;
  }

  private static String commit(String commit, String project) {
    String id = Objects.requireNonNull(commit, project + ": commit").toLowerCase(Locale.ROOT);
    if (!COMMIT.matcher(id).matches()) {
      throw new IllegalArgumentException(
          project + ": '" + commit + "' is not a full commit id (40 or 64 hex digits)");
    }
    return id;
  }

  private static void checkRef(String ref, String project) {
    if (!REF.matcher(ref).matches() || ref.contains("..") || ref.endsWith(".lock")) {
      throw new IllegalArgumentException(
          project + ": '" + ref + "' is not a ref such as refs/changes/34/1234/2");
    }
  }
}
