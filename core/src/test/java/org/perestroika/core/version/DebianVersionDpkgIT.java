package org.perestroika.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.process.ProcessCommandRunner;

/** Checks the ordering against dpkg itself on random versions built from the tricky characters. */
class DebianVersionDpkgIT {
  private static final String UPSTREAM_CHARS = "0019a.~+-:Z";
  private static final String REVISION_CHARS = "0019a.~+b";

  @Test
  void agreesWithDpkgCompareVersions() {
    VersionOrderingPropertyIT.requirePrograms("dpkg");
    CommandRunner runner = new ProcessCommandRunner();
    Random random = new Random(20261121);
    for (int i = 0; i < 300; i++) {
      DebianVersion left = randomVersion(random);
      DebianVersion right = random.nextInt(8) == 0 ? left : randomVersion(random);
      int expected = Integer.signum(left.compareTo(right));
      String op = expected < 0 ? "lt" : expected == 0 ? "eq" : "gt";
      int exit =
          runner
              .run(Command.of("dpkg", "--compare-versions", left.toString(), op, right.toString()))
              .exitCode();
      assertEquals(0, exit, "dpkg disagrees that " + left + " " + op + " " + right);
    }
  }

  private static DebianVersion randomVersion(Random random) {
    String upstream = random.nextInt(10) + randomText(random, UPSTREAM_CHARS, 6);
    String revision = random.nextBoolean() ? randomText(random, REVISION_CHARS, 5) : "";
    if (revision.isEmpty()) {
      upstream = upstream.replace('-', '.');
    }
    int epoch = random.nextInt(6) == 0 ? random.nextInt(3) : 0;
    if (epoch == 0) {
      upstream = upstream.replace(':', '.');
    }
    return new DebianVersion(epoch, upstream, revision);
  }

  private static String randomText(Random random, String alphabet, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
