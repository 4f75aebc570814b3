package org.perestroika.scheduler.dispatch.jenkins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.perestroika.core.debian.ChangesFile;
import org.perestroika.core.model.Artifact;
import org.perestroika.core.model.PackageFormat;

/** Whether what a successful Jenkins build archived is a complete upload of its package format. */
final class ArtifactCheck {
  private ArtifactCheck() {}

  /** Checks the downloaded artifacts of a build that Jenkins reported successful. */
  static Verdict verify(PackageFormat format, List<Artifact> artifacts) {
    return switch (format) {
      case DEB -> changes(artifacts);
      case RPM -> rpms(artifacts);
    };
  }

  /** Finds the one .changes among the artifacts and checks the files it lists came back. */
  private static Verdict changes(List<Artifact> artifacts) {
    List<Artifact> changes =
        artifacts.stream().filter(a -> a.fileName().endsWith(".changes")).toList();
    // sbuild may leave a source-only .changes next to the full one: the full one is the upload.
    if (changes.size() > 1) {
      changes = changes.stream().filter(a -> !a.fileName().endsWith("_source.changes")).toList();
    }
    if (changes.isEmpty()) {
      return Verdict.failed("Jenkins reported SUCCESS but archived no .changes file");
    }
    if (changes.size() > 1) {
      return Verdict.failed(
          "Jenkins archived "
              + changes.size()
              + " .changes files, "
              + names(changes)
              + ", where one was expected");
    }
    Path path = changes.get(0).path();
    ChangesFile parsed;
    try {
      parsed = ChangesFile.read(path);
    } catch (RuntimeException e) {
      return Verdict.failed(path.getFileName() + " cannot be read: " + e.getMessage());
    }
    for (ChangesFile.Entry entry : parsed.files()) {
      Optional<Artifact> file =
          artifacts.stream().filter(a -> a.fileName().equals(entry.name())).findFirst();
      if (file.isEmpty()) {
        return Verdict.failed(
            path.getFileName() + " lists " + entry.name() + ", which Jenkins did not archive");
      }
      if (!file.get().sha256().equals(entry.sha256()) || file.get().size() != entry.size()) {
        return Verdict.failed(
            entry.name()
                + " does not match "
                + path.getFileName()
                + ": got sha256 "
                + file.get().sha256()
                + " and "
                + file.get().size()
                + " bytes");
      }
    }
    List<Artifact> ordered = new ArrayList<>(changes);
    artifacts.stream().filter(a -> !a.path().equals(path)).forEach(ordered::add);
    return new Verdict(Optional.of(path), ordered, Optional.empty());
  }

  /**
   * Finds the one SRPM and the binary RPMs among the artifacts; they come first, binaries then SRPM
   * as the local rpm builder lists them, the rest (the build's log) after.
   */
  private static Verdict rpms(List<Artifact> artifacts) {
    List<Artifact> sources =
        artifacts.stream().filter(a -> a.fileName().endsWith(".src.rpm")).toList();
    List<Artifact> binaries =
        artifacts.stream()
            .filter(a -> a.fileName().endsWith(".rpm") && !a.fileName().endsWith(".src.rpm"))
            .toList();
    if (sources.isEmpty()) {
      return Verdict.failed(
          "Jenkins reported SUCCESS but archived no source RPM (.src.rpm)"
              + (artifacts.isEmpty() ? " and no other file" : ", only " + names(artifacts))
              + "; the rpm job must leave the SRPM it built in out/");
    }
    if (sources.size() > 1) {
      return Verdict.failed(
          "Jenkins archived "
              + sources.size()
              + " source RPMs, "
              + names(sources)
              + ", where one was expected; out/ must hold this one build's packages only");
    }
    if (binaries.isEmpty()) {
      return Verdict.failed(
          "Jenkins reported SUCCESS but archived no binary RPM beside "
              + sources.get(0).fileName()
              + "; the rpm job must leave the binary RPMs it built in out/");
    }
    // Jenkins lists no checksums and an rpm build has no .changes to carry them, so the only
    // check left here is size: a package without bytes. A download cut short already failed
    // against its Content-Length, and the publisher reads every package with rpm before it
    // takes one.
    List<Artifact> packages = new ArrayList<>(binaries);
    packages.addAll(sources);
    for (Artifact rpm : packages) {
      if (rpm.size() == 0) {
        return Verdict.failed(rpm.fileName() + " is empty (0 bytes) as Jenkins archived it");
      }
    }
    List<Artifact> ordered = new ArrayList<>(packages);
    artifacts.stream().filter(a -> !packages.contains(a)).forEach(ordered::add);
    return new Verdict(Optional.empty(), ordered, Optional.empty());
  }

  private static List<String> names(List<Artifact> artifacts) {
    return artifacts.stream().map(Artifact::fileName).toList();
  }

  /**
   * The verdict on a build's artifacts: its .changes (deb only) and its artifacts in the order they
   * are reported, or why they are not an upload.
   */
  record Verdict(Optional<Path> changes, List<Artifact> artifacts, Optional<String> problem) {
    static Verdict failed(String problem) {
      return new Verdict(Optional.empty(), List.of(), Optional.of(problem));
    }
  }
}
