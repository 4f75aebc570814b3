package org.perestroika.core.debian;

import java.util.Objects;
import org.perestroika.core.version.DebianVersion;

/** The header of one debian/changelog entry: which source, at which version, for where. */
public record ChangelogEntry(
    String source, DebianVersion version, String distribution, String urgency) {

  public ChangelogEntry {
    if (source == null || !ChangesFile.PACKAGE_NAME.matcher(source).matches()) {
      throw new IllegalArgumentException("'" + source + "' is not a valid source package name");
    }
    Objects.requireNonNull(version, "version");
    if (distribution == null || distribution.isBlank()) {
      throw new IllegalArgumentException(source + " " + version + ": distribution missing");
    }
    if (urgency == null || urgency.isBlank()) {
      throw new IllegalArgumentException(source + " " + version + ": urgency missing");
    }
  }
}
