package org.perestroika.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;

/**
 * Compares DebianVersion with dpkg and RpmVersion with rpm on thousands of generated pairs, each
 * tool run once over a file of all pairs.
 *
 * <p>rpm 4.18's {@code rpm.vercmp} compares whole EVR strings: it splits off the epoch (missing is
 * 0) and the release after the last '-', and a missing release sorts before any release. The test
 * also checks that it agrees with comparing {@code rpm.ver} objects.
 */
class VersionOrderingPropertyIT {
  private static final int PAIRS = 5000;
  private static final int INVALID_CANDIDATES = 2000;
  private static final long SEED = 20261121L;

  private final CommandRunner runner = new ProcessCommandRunner();

  @TempDir Path work;

  @BeforeAll
  static void requireTools() {
    requirePrograms("dpkg", "rpm");
  }

  @Test
  void debianOrderingAgreesWithDpkg() throws IOException {
    Random random = new Random(SEED);
    List<String[]> pairs = new ArrayList<>();
    while (pairs.size() < PAIRS) {
      String left = debianCandidate(random);
      String right = random.nextInt(4) == 0 ? mutate(random, left, "~+.") : debianCandidate(random);
      if (accepts(DebianVersion::parse, left) && accepts(DebianVersion::parse, right)) {
        pairs.add(new String[] {left, right});
      }
    }
    Path input = writePairs(pairs);
    String script =
        "while read -r a b; do"
            + " dpkg --compare-versions \"$a\" lt \"$b\"; lt=$?;"
            + " dpkg --compare-versions \"$a\" eq \"$b\"; eq=$?;"
            + " echo \"$lt $eq\"; done < \"$1\"";
    long start = System.nanoTime();
    CommandResult result = runner.check(Command.of("sh", "-c", script, "sh", input.toString()));
    report("dpkg --compare-versions", pairs.size(), start);
    assertEquals("", result.stderr(), "dpkg complained about a generated version");
    List<String> lines = result.stdout().lines().toList();
    assertEquals(pairs.size(), lines.size());
    List<String> disagreements = new ArrayList<>();
    int[] outcomes = new int[3];
    for (int i = 0; i < pairs.size(); i++) {
      String[] pair = pairs.get(i);
      int expected =
          switch (lines.get(i)) {
            case "0 1" -> -1;
            case "1 0" -> 0;
            case "1 1" -> 1;
            default -> throw new AssertionError("dpkg failed on " + pair[0] + " " + pair[1]);
          };
      outcomes[expected + 1]++;
      int actual =
          Integer.signum(DebianVersion.parse(pair[0]).compareTo(DebianVersion.parse(pair[1])));
      if (actual != expected) {
        disagreements.add(pair[0] + " vs " + pair[1] + ": dpkg " + expected + ", ours " + actual);
      }
    }
    assertMixed(outcomes);
    assertTrue(disagreements.isEmpty(), "disagreements with dpkg:\n" + summary(disagreements));
  }

  @Test
  void debianParseRejectsWhatDpkgRejects() throws IOException {
    Random random = new Random(SEED + 1);
    List<String> candidates = new ArrayList<>();
    for (int i = 0; i < INVALID_CANDIDATES; i++) {
      candidates.add(malformedCandidate(random));
    }
    Path input = work.resolve("candidates.txt");
    Files.write(input, candidates, StandardCharsets.UTF_8);
    String script =
        "while IFS= read -r v; do"
            + " dpkg --validate-version \"$v\" >/dev/null 2>&1; echo $?; done < \"$1\"";
    long start = System.nanoTime();
    CommandResult result = runner.check(Command.of("sh", "-c", script, "sh", input.toString()));
    report("dpkg --validate-version", candidates.size(), start);
    List<String> lines = result.stdout().lines().toList();
    assertEquals(candidates.size(), lines.size());
    int rejected = 0;
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      String candidate = candidates.get(i);
      boolean dpkgAccepts = lines.get(i).equals("0");
      rejected += dpkgAccepts ? 0 : 1;
      if (accepts(DebianVersion::parse, candidate) != dpkgAccepts) {
        disagreements.add("'" + candidate + "': dpkg accepts " + dpkgAccepts);
      }
    }
    assertTrue(rejected > INVALID_CANDIDATES / 4, "too few invalid candidates: " + rejected);
    assertTrue(disagreements.isEmpty(), "disagreements with dpkg:\n" + summary(disagreements));
  }

  @Test
  void rpmOrderingAgreesWithRpm() throws IOException {
    Random random = new Random(SEED + 2);
    List<String[]> pairs = new ArrayList<>();
    while (pairs.size() < PAIRS) {
      String left = rpmCandidate(random);
      String right = random.nextInt(4) == 0 ? mutate(random, left, "~^._+") : rpmCandidate(random);
      if (accepts(RpmVersion::parse, left) && accepts(RpmVersion::parse, right)) {
        pairs.add(new String[] {left, right});
      }
    }
    Path input = writePairs(pairs);
    String lua =
        "%{lua:"
            + " for line in io.lines(rpm.expand('%{pairs}')) do"
            + "  local a, b = line:match('^(%S+) (%S+)$')"
            + "  local va, vb = rpm.ver(a), rpm.ver(b)"
            + "  local byObject = (va < vb) and -1 or ((va == vb) and 0 or 1)"
            + "  io.write(rpm.vercmp(a, b), ' ', byObject, '\\n')"
            + " end"
            + "}";
    long start = System.nanoTime();
    CommandResult result =
        runner.check(Command.of("rpm", "--define", "pairs " + input, "--eval", lua));
    report("rpm.vercmp", pairs.size(), start);
    List<String> lines = result.stdout().lines().filter(line -> !line.isEmpty()).toList();
    assertEquals(pairs.size(), lines.size(), result.stdout() + result.stderr());
    List<String> disagreements = new ArrayList<>();
    int[] outcomes = new int[3];
    for (int i = 0; i < pairs.size(); i++) {
      String[] pair = pairs.get(i);
      String[] fields = lines.get(i).split(" ");
      int expected = Integer.signum(Integer.parseInt(fields[0]));
      assertEquals(
          expected,
          Integer.parseInt(fields[1]),
          "rpm.vercmp and rpm.ver disagree on " + pair[0] + " vs " + pair[1]);
      outcomes[expected + 1]++;
      int actual = Integer.signum(RpmVersion.parse(pair[0]).compareTo(RpmVersion.parse(pair[1])));
      if (actual != expected) {
        disagreements.add(pair[0] + " vs " + pair[1] + ": rpm " + expected + ", ours " + actual);
      }
    }
    assertMixed(outcomes);
    assertTrue(disagreements.isEmpty(), "disagreements with rpm:\n" + summary(disagreements));
  }

  /** Guards against a generator that only ever produces unrelated, unequal versions. */
  private static void assertMixed(int[] outcomes) {
    System.out.println(
        "lower/equal/higher: " + outcomes[0] + "/" + outcomes[1] + "/" + outcomes[2]);
    for (int count : outcomes) {
      assertTrue(count >= PAIRS / 20, "too few of some outcome: " + Arrays.toString(outcomes));
    }
  }

  private static String debianCandidate(Random random) {
    StringBuilder text = new StringBuilder();
    if (random.nextInt(5) == 0) {
      text.append(random.nextInt(3) == 0 ? "0" : "").append(random.nextInt(12)).append(':');
    }
    text.append(random.nextInt(10));
    appendSegments(random, text, "..~~+:-", 6);
    if (random.nextBoolean()) {
      text.append('-').append(random.nextInt(4) == 0 ? "~" : "").append(random.nextInt(10));
      appendSegments(random, text, "..~+", 4);
    }
    return text.toString();
  }

  private static String rpmCandidate(Random random) {
    StringBuilder text = new StringBuilder();
    if (random.nextInt(5) == 0) {
      text.append(random.nextInt(3) == 0 ? "0" : "").append(random.nextInt(12)).append(':');
    }
    if (random.nextInt(8) == 0) {
      text.append(random.nextBoolean() ? "~" : "^");
    }
    appendSegments(random, text, "..~^_+", 6);
    if (text.isEmpty() || text.charAt(text.length() - 1) == ':') {
      text.append(random.nextInt(10));
    }
    if (random.nextBoolean()) {
      text.append('-');
      appendSegments(random, text, "..~^_", 4);
      if (text.charAt(text.length() - 1) == '-') {
        text.append(random.nextInt(3));
      }
    }
    return text.toString();
  }

  /** Runs of digits (with leading zeros, some past 64 bits) and letters, between separators. */
  private static void appendSegments(
      Random random, StringBuilder text, String separators, int maxSegments) {
    int segments = random.nextInt(maxSegments + 1);
    for (int i = 0; i < segments; i++) {
      switch (random.nextInt(8)) {
        case 0 -> text.append(separators.charAt(random.nextInt(separators.length())));
        case 1 -> text.append("0".repeat(random.nextInt(3))).append(random.nextInt(20));
        case 2 -> text.append(longNumber(random));
        case 3 -> text.append(random.nextBoolean() ? "a" : "rc").append(random.nextInt(3));
        case 4 -> text.append("abzAZ".charAt(random.nextInt(5)));
        default -> {
          text.append(separators.charAt(random.nextInt(separators.length())));
          text.append(random.nextInt(10));
        }
      }
    }
  }

  private static String longNumber(Random random) {
    StringBuilder digits = new StringBuilder("9".repeat(random.nextInt(3)));
    int length = 19 + random.nextInt(7);
    for (int i = 0; i < length; i++) {
      digits.append(random.nextInt(10));
    }
    return digits.toString();
  }

  /** Either a copy, or the version with a small change that often keeps it close or equal. */
  private static String mutate(Random random, String version, String separators) {
    return switch (random.nextInt(8)) {
      case 0 -> version;
      case 1 -> version + separators.charAt(random.nextInt(separators.length()));
      case 2 -> version + separators.charAt(random.nextInt(separators.length())) + "1";
      case 3 -> version.replaceFirst("(\\d+)", "0$1");
      case 4 -> version.replaceFirst("(\\d+)$", "$1a");
      case 5 -> version.replace('.', separators.charAt(random.nextInt(separators.length())));
      // The same version with the release (revision) dropped or added.
      case 6 ->
          version.indexOf('-') >= 0
              ? version.substring(0, version.lastIndexOf('-'))
              : version + (random.nextBoolean() ? "-~1" : "-0");
      default -> random.nextBoolean() ? "1:" + version.replaceFirst("^\\d+:", "") : version + "0";
    };
  }

  /** Mostly almost-versions: bad characters, empty parts, misplaced colons and hyphens. */
  private static String malformedCandidate(Random random) {
    String alphabet = "0123456789aZ.+~-:_ ^/%";
    StringBuilder text = new StringBuilder();
    int length = 1 + random.nextInt(8);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  private static boolean accepts(Function<String, ?> parser, String text) {
    try {
      parser.apply(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Path writePairs(List<String[]> pairs) throws IOException {
    Path file = Files.createTempFile(work, "pairs", ".txt");
    Files.write(file, pairs.stream().map(pair -> pair[0] + " " + pair[1]).toList());
    return file;
  }

  private static void report(String what, int count, long startNanos) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    System.out.println(what + ": " + count + " in " + millis + " ms");
  }

  private static String summary(List<String> lines) {
    return String.join("\n", lines.subList(0, Math.min(20, lines.size())))
        + (lines.size() > 20 ? "\n... " + lines.size() + " in all" : "");
  }

  /** On CI a missing tool fails the build; elsewhere the test is skipped. */
  static void requirePrograms(String... programs) {
    List<String> missing = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    for (String program : programs) {
      boolean found = false;
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
          found = true;
          break;
        }
      }
      if (!found) {
        missing.add(program);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("required on CI but not installed: " + missing + " (apt-get install them)");
    }
    Assumptions.abort("not installed: " + missing);
  }
}
