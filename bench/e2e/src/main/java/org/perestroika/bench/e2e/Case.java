package org.perestroika.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * What a developer pushes, as edits over the example packages the branches hold: a new upstream
 * version (new upstream sources, so a new orig tarball or Source0, and a version to match) or a new
 * packaging revision of the same upstream version (the changelog, or the spec's Release and
 * %changelog, alone). Each push is a change of its own, so each is built into a fresh review
 * repository.
 */
enum Case {
  DEB_UPSTREAM("deb-upstream", "deb"),
  DEB_REVISION("deb-revision", "deb"),
  RPM_VERSION("rpm-version", "rpm"),
  RPM_RELEASE("rpm-release", "rpm");

  static final String MAINTAINER = "Perestroika Build Farm <builds@perestroika.invalid>";
  private static final DateTimeFormatter DEBIAN_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH);
  private static final DateTimeFormatter RPM_DATE =
      DateTimeFormatter.ofPattern("EEE MMM dd yyyy", Locale.ENGLISH);

  /** The example's %changelog starts then: rpmbuild wants its entries newest first. */
  private static final LocalDate RPM_EXAMPLE_DATE = LocalDate.of(2026, 11, 21);

  final String label;
  final String format;

  Case(String label, String format) {
    this.label = label;
    this.format = format;
  }

  /**
   * The files to write over the example for run {@code run} (0 is the warm-up), with versions no
   * earlier run used.
   */
  Map<String, String> files(Path examples, int run) throws IOException {
    Path deb = examples.resolve("hello");
    Path rpm = examples.resolve("hello-rpm");
    int next = run + 1;
    switch (this) {
      case DEB_UPSTREAM -> {
        String version = "1." + next + "-1~deb12+mos1";
        return Map.of(
            "debian/changelog",
            debianEntry(version, "New upstream release 1." + next + ".")
                + Files.readString(deb.resolve("debian/changelog")),
            "hello.c",
            "/* Upstream release 1." + next + ". */\n" + Files.readString(deb.resolve("hello.c")));
      }
      case DEB_REVISION -> {
        String version = "1.0-1~deb12+mos" + (next + 1);
        return Map.of(
            "debian/changelog",
            debianEntry(version, "Packaging only: the same upstream sources.")
                + Files.readString(deb.resolve("debian/changelog")));
      }
      case RPM_VERSION -> {
        String spec = Files.readString(rpm.resolve("perestroika-hello.spec"));
        spec = replace(spec, "(?m)^Version:(?<ws>\\s+)1\\.0$", "Version:${ws}1." + next);
        return Map.of(
            "perestroika-hello.spec",
            rpmEntry(spec, "1." + next + "-1~mos1", "New upstream release 1." + next + "."),
            "perestroika-hello",
            Files.readString(rpm.resolve("perestroika-hello"))
                + "# Upstream release 1."
                + next
                + ".\n");
      }
      case RPM_RELEASE -> {
        String spec = Files.readString(rpm.resolve("perestroika-hello.spec"));
        spec =
            replace(
                spec,
                "(?m)^Release:(?<ws>\\s+)1%\\{\\?dist\\}~mos1$",
                "Release:${ws}" + (next + 1) + "%{?dist}~mos1");
        return Map.of(
            "perestroika-hello.spec",
            rpmEntry(
                spec, "1.0-" + (next + 1) + "~mos1", "Packaging only: the same upstream sources."));
      }
      default -> throw new IllegalStateException(label);
    }
  }

  private static String debianEntry(String version, String change) {
    return "perestroika-hello ("
        + version
        + ") mos10.0; urgency=medium\n\n  * "
        + change
        + "\n\n -- "
        + MAINTAINER
        + "  "
        + DEBIAN_DATE.format(ZonedDateTime.now(ZoneOffset.UTC))
        + "\n\n";
  }

  /** The spec with a new top %changelog entry. */
  private static String rpmEntry(String spec, String versionRelease, String change) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate date = today.isBefore(RPM_EXAMPLE_DATE) ? RPM_EXAMPLE_DATE : today;
    String entry =
        "* " + RPM_DATE.format(date) + " " + MAINTAINER + " - " + versionRelease + "\n- " + change;
    return replace(spec, "(?m)^%changelog\\n", "%changelog\n" + entry + "\n\n");
  }

  /** Replaces the first match, insisting there is one: the example may have changed. */
  private static String replace(String text, String regex, String replacement) {
    String updated = text.replaceFirst(regex, replacement);
    if (updated.equals(text)) {
      throw new IllegalStateException("the example no longer matches " + regex);
    }
    return updated;
  }
}
