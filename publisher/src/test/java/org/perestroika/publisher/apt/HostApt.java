package org.perestroika.publisher.apt;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.testing.Requirements;

/**
 * The host's own apt-get and apt-cache as a client of one sources.list line, with every list, cache
 * and trust setting in a directory of the test's, so the host's apt is never touched.
 */
public final class HostApt {
  private HostApt() {}

  /**
   * Runs {@code apt-get update} (which must print no warning or error) and returns apt's candidate
   * version of {@code pkg}, empty when it has none.
   */
  public static Optional<String> candidate(
      CommandRunner runner, Path dir, String sourcesListLine, String pkg) throws IOException {
    Requirements.requirePrograms("apt-get", "apt-cache");
    for (String sub :
        List.of(
            "state/lists/partial", "cache/archives/partial", "trusted.gpg.d", "preferences.d")) {
      Files.createDirectories(dir.resolve(sub));
    }
    Path sources = Files.writeString(dir.resolve("sources.list"), sourcesListLine + "\n");
    List<String> options =
        List.of(
            "-o", "Dir::Etc::SourceList=" + sources,
            "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", "Dir::Etc::TrustedParts=" + dir.resolve("trusted.gpg.d"),
            "-o", "Dir::Etc::Trusted=/dev/null",
            "-o", "Dir::Etc::PreferencesParts=" + dir.resolve("preferences.d"),
            "-o", "Dir::State=" + dir.resolve("state"),
            "-o", "Dir::Cache=" + dir.resolve("cache"),
            "-o", "Debug::NoLocking=1",
            "-o", "APT::Sandbox::User=root");
    CommandResult update = runner.check(Command.of(concat("apt-get", options, "update")));
    String output = update.stdout() + update.stderr();
    assertFalse(output.contains("W:") || output.contains("E:"), output);
    String policy = runner.check(Command.of(concat("apt-cache", options, "policy", pkg))).stdout();
    return policy
        .lines()
        .map(String::strip)
        .filter(line -> line.startsWith("Candidate:"))
        .map(line -> line.substring("Candidate:".length()).strip())
        .filter(version -> !version.equals("(none)"))
        .findFirst();
  }

  private static List<String> concat(String program, List<String> options, String... args) {
    return Stream.of(Stream.of(program), options.stream(), Stream.of(args))
        .flatMap(s -> s)
        .toList();
  }
}
