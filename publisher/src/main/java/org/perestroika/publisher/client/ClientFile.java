package org.perestroika.publisher.client;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One generated client configuration file.
 *
 * @param name the file's name, such as {@code mos.pref}
 * @param installPath where a client installs it, such as {@code /etc/apt/preferences.d/mos.pref}
 * @param text its content
 */
public record ClientFile(String name, Path installPath, String text) {
  public ClientFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(installPath, "installPath");
    Objects.requireNonNull(text, "text");
    if (!installPath.getFileName().toString().equals(name)) {
      throw new IllegalArgumentException(installPath + " is not named " + name);
    }
  }
}
