package org.perestroika.publisher.apt;

import java.util.Objects;
import org.perestroika.core.version.DebianVersion;

/**
 * One package a suite holds, as reprepro lists it: which source it belongs to, what it is and where
 * its file lies in the pool.
 *
 * @param type deb, udeb or dsc
 * @param filekey the package's file relative to the repository root, e.g. {@code pool/main/...}
 */
record HeldPackage(
    String source,
    DebianVersion sourceVersion,
    String type,
    String name,
    DebianVersion version,
    String architecture,
    String component,
    String filekey) {

  HeldPackage {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sourceVersion, "sourceVersion");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(filekey, "filekey");
  }

  /** The package file's name, e.g. {@code hello_1.0-1_amd64.deb}. */
  String fileName() {
    return filekey.substring(filekey.lastIndexOf('/') + 1);
  }

  /** How results report it: name, version, architecture. */
  String describe() {
    return name + " " + version + " " + architecture;
  }
}
