package org.perestroika.publisher.yum;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandResult;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.version.RpmVersion;

/**
 * One RPM as its header describes it.
 *
 * @param sourceRpm the file name of the SRPM a binary was built from; empty for an SRPM
 * @param content the digests of the header and the payload, which signing leaves as they are: two
 *     files with equal content are the same package, signed or not
 */
record RpmFile(
    Path path, String name, RpmVersion version, String arch, String sourceRpm, String content) {
  private static final String FORMAT =
      "%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%|SOURCERPM?{%{SOURCERPM}}:{}|"
          + "\\t%{SHA256HEADER}:%{PAYLOADDIGEST}\\n";

  RpmFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(version, "version");
  }

  boolean isSource() {
    return sourceRpm.isEmpty();
  }

  /** The file name rpm tooling gives it: name-version-release.arch.rpm, or .src.rpm. */
  String canonicalFileName() {
    String vr = version.version() + "-" + version.release();
    return name + "-" + vr + (isSource() ? ".src.rpm" : "." + arch + ".rpm");
  }

  /** name epoch:version-release arch, as listings show a package. */
  String describe() {
    return name + " " + version + " " + (isSource() ? "src" : arch);
  }

  /**
   * Reads the header of each of {@code files}.
   *
   * @throws IllegalArgumentException naming the file when one is not a readable RPM
   */
  static List<RpmFile> query(CommandRunner runner, List<Path> files) {
    if (files.isEmpty()) {
      return List.of();
    }
    List<RpmFile> parsed = new ArrayList<>();
    for (Path file : files) {
      List<String> argv =
          List.of("rpm", "-qp", "--nosignature", "--nodigest", "--qf", FORMAT, file.toString());
      CommandResult result = runner.run(Command.of(argv));
      if (!result.succeeded()) {
        throw new IllegalArgumentException(
            file + " is not an RPM package rpm can read: " + result.stderr().strip());
      }
      String[] fields = result.stdout().strip().split("\t", -1);
      if (fields.length != 7) {
        throw new IllegalArgumentException(
            "rpm described " + file + " as '" + result.stdout().strip() + "'");
      }
      RpmVersion version = new RpmVersion(Integer.parseInt(fields[1]), fields[2], fields[3]);
      parsed.add(new RpmFile(file, fields[0], version, fields[4], fields[5], fields[6]));
    }
    return List.copyOf(parsed);
  }
}
