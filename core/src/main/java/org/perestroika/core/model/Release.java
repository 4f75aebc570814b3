package org.perestroika.core.model;

import java.util.regex.Pattern;

/** A product release whose packages share one set of repositories, such as {@code mos10.0}. */
public record Release(String name) {
  private static final Pattern NAME = Pattern.compile("[a-z]+[0-9]+(\\.[0-9]+)*");

  public Release {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "release '" + name + "' is not of the form letters then a version, such as mos10.0");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
