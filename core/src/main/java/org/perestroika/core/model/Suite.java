package org.perestroika.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The repositories of one release, as the mirror layout names them: {@code mos10.0} (base, frozen
 * at GA), {@code mos10.0-proposed}, {@code -updates}, {@code -security}, {@code -holdback}
 * (upstream packages proven stable, kept back from base distro updates that break the product) and
 * {@code -hotfix} (urgent fixes for installations, published after GA like updates and security).
 */
public enum Suite {
  BASE(""),
  PROPOSED("-proposed"),
  UPDATES("-updates"),
  SECURITY("-security"),
  HOLDBACK("-holdback"),
  HOTFIX("-hotfix");

  private final String codenameSuffix;

  Suite(String codenameSuffix) {
    this.codenameSuffix = codenameSuffix;
  }

  public String codename(Release release) {
    return release.name() + codenameSuffix;
  }

  /** The word used on command lines and in configuration: base, proposed, updates, ... */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Suite parse(String word) {
    return Arrays.stream(values())
        .filter(suite -> suite.word().equals(word))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown suite '" + word + "': use one of " + words()));
  }

  public static String words() {
    return Arrays.stream(values()).map(Suite::word).collect(Collectors.joining(", "));
  }
}
