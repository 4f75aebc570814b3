package org.perestroika.publisher.apt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How one apt repository (one OS family's tree, such as {@code /var/lib/perestroika/repos/debian})
 * is laid out and described.
 *
 * @param root where clients are served from; becomes a link to the current snapshot
 * @param origin the Release files' Origin
 * @param label the Release files' Label
 * @param architectures binary architectures, plus {@code source} for source packages
 * @param components the archive areas, the first one the default (the spec's main, restricted)
 * @param keepSnapshots how many snapshots to keep, the current one included
 * @param clientKeyring where clients install the public key, named in sources.list lines
 * @param lockTimeout how long a publish waits for another one to the same root
 * @param uploadersKeyring the public keys whose clearsigned uploads are accepted; empty accepts
 *     uploads unsigned, as from this host's own builds
 * @param everySuite whether a release gets all its suites at once, as a release mirror does, or
 *     only those published to, as a change's test repository does
 */
public record AptRepositoryConfig(
    Path root,
    String origin,
    String label,
    List<String> architectures,
    List<String> components,
    int keepSnapshots,
    Path clientKeyring,
    Duration lockTimeout,
    Optional<Path> uploadersKeyring,
    boolean everySuite) {

  public static final List<String> DEFAULT_ARCHITECTURES = List.of("amd64", "source");
  public static final List<String> DEFAULT_COMPONENTS = List.of("main", "restricted");
  public static final int DEFAULT_KEEP_SNAPSHOTS = 3;
  public static final Path DEFAULT_CLIENT_KEYRING =
      Path.of("/etc/apt/keyrings/mos-archive-keyring.gpg");
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(30);

  private static final Pattern WORD = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern FIELD_TEXT = Pattern.compile("[\\x20-\\x7e]+");

  public AptRepositoryConfig {
    Objects.requireNonNull(root, "root");
    root = root.toAbsolutePath().normalize();
    if (root.getParent() == null) {
      throw new IllegalArgumentException("repository root cannot be /");
    }
    origin = fieldText("origin", origin);
    label = fieldText("label", label);
    architectures = List.copyOf(architectures);
    checkWords("architecture", architectures);
    if (architectures.contains("all")) {
      throw new IllegalArgumentException(
          "architecture 'all' cannot be listed: reprepro 5.3 refuses it and files"
              + " Architecture: all packages under every binary architecture instead");
    }
    if (architectures.stream().allMatch("source"::equals)) {
      throw new IllegalArgumentException(
          "architectures " + architectures + " name no binary architecture, such as amd64");
    }
    components = List.copyOf(components);
    checkWords("component", components);
    if (keepSnapshots < 1) {
      throw new IllegalArgumentException("keepSnapshots must be at least 1, got " + keepSnapshots);
    }
    Objects.requireNonNull(clientKeyring, "clientKeyring");
    if (!clientKeyring.isAbsolute()
        || !FIELD_TEXT.matcher(clientKeyring.toString()).matches()
        || clientKeyring.toString().matches(".*[\\s\\]].*")) {
      throw new IllegalArgumentException(
          "client keyring '" + clientKeyring + "' must be an absolute path without spaces or ']'");
    }
    Objects.requireNonNull(lockTimeout, "lockTimeout");
    if (lockTimeout.isNegative() || lockTimeout.isZero()) {
      throw new IllegalArgumentException("lockTimeout must be positive, got " + lockTimeout);
    }
    uploadersKeyring =
        Objects.requireNonNull(uploadersKeyring, "uploadersKeyring")
            .map(path -> path.toAbsolutePath().normalize());
  }

  /** The defaults for a repository at {@code root}: Origin and Label "Perestroika". */
  public static AptRepositoryConfig defaults(Path root) {
    return new AptRepositoryConfig(
        root,
        "Perestroika",
        "Perestroika",
        DEFAULT_ARCHITECTURES,
        DEFAULT_COMPONENTS,
        DEFAULT_KEEP_SNAPSHOTS,
        DEFAULT_CLIENT_KEYRING,
        DEFAULT_LOCK_TIMEOUT,
        Optional.empty(),
        true);
  }

  public AptRepositoryConfig withOriginAndLabel(String newOrigin, String newLabel) {
    return new AptRepositoryConfig(
        root,
        newOrigin,
        newLabel,
        architectures,
        components,
        keepSnapshots,
        clientKeyring,
        lockTimeout,
        uploadersKeyring,
        everySuite);
  }

  public AptRepositoryConfig withArchitectures(List<String> newArchitectures) {
    return new AptRepositoryConfig(
        root,
        origin,
        label,
        newArchitectures,
        components,
        keepSnapshots,
        clientKeyring,
        lockTimeout,
        uploadersKeyring,
        everySuite);
  }

  public AptRepositoryConfig withKeepSnapshots(int newKeepSnapshots) {
    return new AptRepositoryConfig(
        root,
        origin,
        label,
        architectures,
        components,
        newKeepSnapshots,
        clientKeyring,
        lockTimeout,
        uploadersKeyring,
        everySuite);
  }

  public AptRepositoryConfig withClientKeyring(Path newClientKeyring) {
    return new AptRepositoryConfig(
        root,
        origin,
        label,
        architectures,
        components,
        keepSnapshots,
        newClientKeyring,
        lockTimeout,
        uploadersKeyring,
        everySuite);
  }

  public AptRepositoryConfig withLockTimeout(Duration newLockTimeout) {
    return new AptRepositoryConfig(
        root,
        origin,
        label,
        architectures,
        components,
        keepSnapshots,
        clientKeyring,
        newLockTimeout,
        uploadersKeyring,
        everySuite);
  }

  public AptRepositoryConfig withUploadersKeyring(Optional<Path> newUploadersKeyring) {
    return new AptRepositoryConfig(
        root,
        origin,
        label,
        architectures,
        components,
        keepSnapshots,
        clientKeyring,
        lockTimeout,
        newUploadersKeyring,
        everySuite);
  }

  /** The same, for a test repository: a release gets only the suites published to. */
  public AptRepositoryConfig withPublishedSuitesOnly() {
    return new AptRepositoryConfig(
        root,
        origin,
        label,
        architectures,
        components,
        keepSnapshots,
        clientKeyring,
        lockTimeout,
        uploadersKeyring,
        false);
  }

  private static String fieldText(String what, String value) {
    if (value == null || !FIELD_TEXT.matcher(value).matches() || value.isBlank()) {
      throw new IllegalArgumentException(
          what + " '" + value + "' must be one line of printable ASCII");
    }
    return value.strip();
  }

  private static void checkWords(String what, List<String> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("at least one " + what + " is needed");
    }
    for (String value : values) {
      if (!WORD.matcher(value).matches()) {
        throw new IllegalArgumentException(
            what + " '" + value + "' must be lower-case letters, digits and '-'");
      }
    }
    if (new HashSet<>(values).size() != values.size()) {
      throw new IllegalArgumentException(what + "s " + values + " name one twice");
    }
  }
}
