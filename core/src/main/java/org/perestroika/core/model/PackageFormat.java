package org.perestroika.core.model;

/** How a distribution packages software, which decides the builder and the repository kind. */
public enum PackageFormat {
  DEB,
  RPM
}
