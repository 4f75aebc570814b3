package org.perestroika.publisher.client;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A repository of custom packages that clients rank above MOS and the base distribution, such as a
 * change's own repository ({@code review/CR-1234/debian}) or a hotfix repository.
 *
 * @param name names the yum section and the apt entries; letters, digits, '.', '_' and '-'
 * @param url the apt repository root (holding {@code dists/}) or the yum repository (holding {@code
 *     repodata/})
 * @param suite the apt suite, which must be the Codename in its Release file (apt pins by it);
 *     empty means the release's proposed suite, where our build farm publishes a change; yum
 *     repositories have none
 */
public record CustomRepository(String name, ClientUrl url, Optional<String> suite) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern SUITE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+~_-]*");

  public CustomRepository {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "custom repository name '"
              + name
              + "' must be letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(suite, "suite");
    suite.ifPresent(
        s -> {
          if (!SUITE.matcher(s).matches()) {
            throw new IllegalArgumentException(
                "custom repository "
                    + name
                    + ": suite '"
                    + s
                    + "' is not one word, such as"
                    + " mos10.0-hotfix");
          }
        });
  }

  /** Parses {@code NAME=URL[,SUITE]}, as given to {@code --custom}. */
  public static CustomRepository parse(String text) {
    int equals = text.indexOf('=');
    if (equals <= 0) {
      throw new IllegalArgumentException(
          "custom repository '"
              + text
              + "' is not NAME=URL[,SUITE], such as"
              + " hotfix=http://mirror/hotfix/debian,mos10.0-hotfix");
    }
    String name = text.substring(0, equals);
    String rest = text.substring(equals + 1);
    int comma = rest.lastIndexOf(',');
    String url = comma < 0 ? rest : rest.substring(0, comma);
    Optional<String> suite = comma < 0 ? Optional.empty() : Optional.of(rest.substring(comma + 1));
    return new CustomRepository(name, ClientUrl.parse("custom repository " + name, url), suite);
  }
}
