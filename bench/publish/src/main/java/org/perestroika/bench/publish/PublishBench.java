package org.perestroika.bench.publish;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.perestroika.core.model.PublishTarget;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.perestroika.core.model.Suite;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.publisher.PublishResult;
import org.perestroika.publisher.apt.AptRepository;
import org.perestroika.publisher.apt.AptRepositoryConfig;
import org.perestroika.publisher.policy.BaseDistro;
import org.perestroika.publisher.policy.VersionPolicy;
import org.perestroika.publisher.signing.GpgKeyring;

/**
 * Adding uploads to a repository that already holds {@code --packages} binary packages: the
 * publisher (snapshot, policy, signing, verification) against plain reprepro signing with the same
 * key on an identical copy, in the same round, alternating which goes first. Writes one line per
 * measurement to {@code <out>/samples.tsv}: round, variant, seconds.
 */
public final class PublishBench {
  private static final Release RELEASE = new Release("mos10.0");

  /** The suite that holds the packages and takes the new ones, as -updates does after GA. */
  private static final PublishTarget TARGET = new PublishTarget(RELEASE, Suite.UPDATES);

  private final CommandRunner runner = new ProcessCommandRunner();
  private final Path work;
  private final int packages;
  private final int batch;
  private final int rounds;
  private final Uploads uploads;

  private PublishBench(Path work, int packages, int batch, int rounds) {
    this.work = work;
    this.packages = packages;
    this.batch = batch;
    this.rounds = rounds;
    this.uploads = new Uploads(runner, work.resolve("uploads"));
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    Path out = Path.of(options.get("--out"));
    new PublishBench(
            Path.of(options.get("--work")),
            Integer.parseInt(options.getOrDefault("--packages", "5000")),
            Integer.parseInt(options.getOrDefault("--batch", "100")),
            Integer.parseInt(options.getOrDefault("--rounds", "5")))
        .run(out);
  }

  private void run(Path out) throws IOException {
    log("making " + packages + " packages (cached in " + work.resolve("uploads") + ")");
    Path bulk =
        uploads.upload(
            "bulk",
            "1.0-1" + Uploads.DEB_VERSION_SUFFIX,
            IntStream.range(0, packages).mapToObj(i -> String.format("pkg%05d", i)).toList());
    Path gnupg = work.resolve("gnupg");
    GpgKeyring keyring = GpgKeyring.open(runner, gnupg, Optional.empty());
    Path repos = work.resolve("repos");
    runner.check(Command.of("rm", "-rf", "--", repos.toString()));
    AptRepository ours =
        new AptRepository(
            AptRepositoryConfig.defaults(repos.resolve("ours").resolve("debian")),
            runner,
            keyring,
            new VersionPolicy(ReleaseProgression.natural(), Set.of(), new NoBaseDistro()));
    log("filling both repositories with " + packages + " packages");
    expectPublished(ours.publish(List.of(bulk), TARGET));
    Path plain = repos.resolve("plain");
    PlainReprepro reprepro =
        new PlainReprepro(
            runner,
            plain,
            repos.resolve("ours").resolve("debian").toRealPath().getParent().resolve("conf"),
            keyring.fingerprint(),
            gnupg);
    reprepro.include(TARGET.codename(), bulk, true);

    try (PrintWriter samples =
        new PrintWriter(
            Files.newBufferedWriter(out.resolve("samples.tsv"), StandardCharsets.UTF_8))) {
      // Round 0 warms the page cache and the JVM up and is not reported.
      for (int round = 0; round <= rounds; round++) {
        log("round " + round);
        Path one =
            uploads.upload(
                "one", "1.0-" + (round + 1) + Uploads.DEB_VERSION_SUFFIX, List.of("one"));
        List<Path> many = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
          String source = String.format("batch%02d-%03d", round, i);
          many.add(uploads.upload(source, "1.0-1" + Uploads.DEB_VERSION_SUFFIX, List.of(source)));
        }
        boolean oursFirst = round % 2 == 0;
        for (int turn = 0; turn < 2; turn++) {
          if (oursFirst == (turn == 0)) {
            sample(
                samples,
                round,
                "one-ours",
                () -> expectPublished(ours.publish(List.of(one), TARGET)));
            sample(samples, round, "batch-ours", () -> expectPublished(ours.publish(many, TARGET)));
          } else {
            sample(
                samples, round, "one-plain", () -> reprepro.include(TARGET.codename(), one, true));
            sample(
                samples,
                round,
                "batch-plain",
                () -> {
                  for (Path changes : many) {
                    reprepro.include(TARGET.codename(), changes, false);
                  }
                  reprepro.export(TARGET.codename());
                });
          }
        }
        samples.flush();
      }
    }
  }

  /**
   * A base distro holding none of the packages: a long-running publisher reads the base distro's
   * index once, so a publish only looks it up in memory.
   */
  private static final class NoBaseDistro implements BaseDistro {
    @Override
    public String name() {
      return "bookworm";
    }

    @Override
    public Optional<DebianVersion> highestSourceVersion(String source) {
      return Optional.empty();
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  private static void sample(PrintWriter samples, int round, String variant, Step step)
      throws IOException {
    long start = System.nanoTime();
    step.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    samples.printf("%d\t%s\t%.4f%n", round, variant, seconds);
    log(String.format("  %s: %.3f s", variant, seconds));
  }

  private static void expectPublished(PublishResult result) {
    if (!(result instanceof PublishResult.Published)) {
      throw new IllegalStateException("the publisher refused a benchmark upload: " + result);
    }
  }

  private static void log(String line) {
    System.err.println("[publish] " + line);
  }
}
