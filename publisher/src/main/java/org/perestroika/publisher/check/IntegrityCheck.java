package org.perestroika.publisher.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.publisher.signing.GpgKeyring;
import org.perestroika.publisher.signing.Gpgv;

/**
 * What apt checks before it trusts a suite, checked for every suite at once: the published key
 * verifies its own signature and every InRelease and Release.gpg, each index matches the SHA256 its
 * Release gives, and each pool file matches the size and SHA256 its index gives.
 */
final class IntegrityCheck {
  static final String NAME = "signatures and checksums";

  private final Gpgv gpgv;

  IntegrityCheck(CommandRunner runner) {
    this.gpgv = new Gpgv(runner);
  }

  CheckResult check(ReleaseTree tree, List<PublishedSuite> suites) {
    List<String> problems = new ArrayList<>();
    int signatures = 0;
    Path key = tree.keyring();
    boolean haveKey = Files.isRegularFile(key);
    if (haveKey) {
      verify(key, GpgKeyring.signatureOf(key), Optional.of(key), tree, problems);
      signatures++;
    } else {
      problems.add(
          "the public key "
              + tree.root().relativize(key)
              + " is missing, so no signature can be verified");
    }
    int listedFiles = 0;
    Map<Path, Digest> measured = new HashMap<>();
    Set<String> poolFiles = new HashSet<>();
    for (PublishedSuite suite : suites) {
      problems.addAll(suite.problems());
      if (suite.release().isEmpty()) {
        continue;
      }
      if (haveKey) {
        Path release = suite.dir().resolve("Release");
        verify(key, suite.dir().resolve("InRelease"), Optional.empty(), tree, problems);
        verify(key, suite.dir().resolve("Release.gpg"), Optional.of(release), tree, problems);
        signatures += 2;
      }
      compareInRelease(suite, problems);
      String codename = suite.release().get().value("Codename").orElse("").strip();
      if (!codename.equals(suite.codename())) {
        problems.add(
            suite.codename()
                + ": its Release says Codename '"
                + codename
                + "', so apt would refuse it as "
                + suite.codename());
      }
      for (PublishedSuite.PoolFile listed : suite.listed()) {
        suite
            .decompressed(listed.path())
            .filter(digest -> !Files.exists(suite.dir().resolve(listed.path())))
            .map(digest -> compare(listed, digest, "its Release", " (decompressed)"))
            .orElseGet(() -> compare(suite.dir(), listed, "its Release", measured))
            .ifPresent(problem -> problems.add(suite.codename() + ": " + problem));
        listedFiles++;
      }
      for (PublishedSuite.PoolFile file : suite.poolFiles()) {
        compare(tree.root(), file, file.listedIn(), measured)
            .ifPresent(problem -> problems.add(suite.codename() + ": " + problem));
        poolFiles.add(file.path());
      }
    }
    String summary =
        CheckResult.count(signatures, "signature")
            + " against "
            + tree.root().relativize(key)
            + ", "
            + CheckResult.count(listedFiles, "file")
            + " listed in Release files and "
            + CheckResult.count(poolFiles.size(), "pool file")
            + ", in "
            + CheckResult.count(suites.size(), "suite");
    return new CheckResult(NAME, summary, problems);
  }

  /** Verifies a clear-signed file, or a detached signature of {@code data}, as apt would. */
  private void verify(
      Path key, Path signature, Optional<Path> data, ReleaseTree tree, List<String> problems) {
    Path shown = tree.root().relativize(signature);
    if (!Files.isRegularFile(signature)) {
      problems.add(shown + " is missing: the file is unsigned");
      return;
    }
    try {
      if (data.isPresent()) {
        gpgv.verifyDetached(key, signature, data.get());
      } else {
        gpgv.verifyClearsigned(key, signature);
      }
    } catch (CommandFailedException e) {
      if (e.result() == null) {
        throw new CheckException(
            "gpgv could not be run (install the gpgv package): " + e.getMessage(), e);
      }
      problems.add(shown + " does not verify with the published key: " + gpgvReason(e));
    }
  }

  /** apt reads InRelease first: it must say what Release says. */
  private static void compareInRelease(PublishedSuite suite, List<String> problems) {
    Path inRelease = suite.dir().resolve("InRelease");
    if (!Files.isRegularFile(inRelease)) {
      return;
    }
    try {
      List<Deb822.Paragraph> signed =
          Deb822.parse(Files.readString(inRelease), inRelease.toString());
      if (signed.size() != 1 || !fields(signed.get(0)).equals(fields(suite.release().get()))) {
        problems.add(suite.codename() + ": InRelease and Release say different things");
      }
    } catch (MalformedControlFileException | IOException e) {
      problems.add(suite.codename() + ": InRelease cannot be read: " + e.getMessage());
    }
  }

  private static List<String> fields(Deb822.Paragraph paragraph) {
    return paragraph.fields().stream().map(f -> f.name() + ":" + f.value().strip()).toList();
  }

  /** Compares a file with the size and SHA256 listed for it; empty when they match. */
  private static Optional<String> compare(
      Path base, PublishedSuite.PoolFile listed, String listedIn, Map<Path, Digest> cache) {
    Path file = base.resolve(listed.path()).normalize();
    if (!file.startsWith(base)) {
      return Optional.of(listedIn + " names " + listed.path() + ", outside the repository");
    }
    if (!Files.isRegularFile(file)) {
      return Optional.of(listed.path() + " is listed in " + listedIn + " but missing");
    }
    return compare(listed, cache.computeIfAbsent(file, Digest::of), listedIn, "");
  }

  private static Optional<String> compare(
      PublishedSuite.PoolFile listed, Digest actual, String listedIn, String how) {
    if (actual.size() != listed.size()) {
      return Optional.of(
          listed.path()
              + how
              + " has "
              + actual.size()
              + " bytes but "
              + listedIn
              + " says "
              + listed.size());
    }
    if (!actual.sha256().equalsIgnoreCase(listed.sha256())) {
      return Optional.of(
          listed.path()
              + how
              + " does not match the SHA256 in "
              + listedIn
              + " (listed "
              + abbreviate(listed.sha256())
              + ", file "
              + abbreviate(actual.sha256())
              + ")");
    }
    return Optional.empty();
  }

  private static String abbreviate(String sha256) {
    return sha256.length() > 16 ? sha256.substring(0, 16) + "..." : sha256;
  }

  /** gpgv's verdict, its last line, such as "BAD signature from ..." or "No public key". */
  private static String gpgvReason(CommandFailedException e) {
    String output = e.result().stderr().isBlank() ? e.result().stdout() : e.result().stderr();
    List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String last =
        lines.isEmpty() ? "exit code " + e.result().exitCode() : lines.get(lines.size() - 1);
    return last.startsWith("gpgv: ") ? last.substring("gpgv: ".length()) : last;
  }
}
