package org.perestroika.core.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.perestroika.core.model.BuildLimits;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.ReleaseProgression;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the YAML configuration strictly: an unknown key, a value of the wrong kind or out of range
 * is an error, and every error in the file is reported together. Anything the file leaves out takes
 * its built-in default.
 */
public final class ConfigLoader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(MiB|GiB)");
  private static final Pattern SSH_ADDRESS = Pattern.compile("([^@\\s]+)@([^:\\s]+):(\\d{1,5})");
  private static final URI DEBIAN_MIRROR = URI.create("http://deb.debian.org/debian");

  /** Built-in dists: Debian ones are built here; Ubuntu and CentOS ones are configuration. */
  private static final Map<String, Dist> DEFAULT_DISTS =
      Map.of(
          "bookworm", new Dist("bookworm", "debian", PackageFormat.DEB, DEBIAN_MIRROR),
          "trixie", new Dist("trixie", "debian", PackageFormat.DEB, DEBIAN_MIRROR),
          "jammy",
              new Dist(
                  "jammy",
                  "ubuntu",
                  PackageFormat.DEB,
                  URI.create("http://archive.ubuntu.com/ubuntu")),
          "centos7",
              new Dist(
                  "centos7",
                  "centos-7",
                  PackageFormat.RPM,
                  URI.create("http://vault.centos.org/7.9.2009/os/x86_64")));

  /**
   * Every key the file may hold, as a dotted path from its top; {@code *} stands for a name the
   * file chooses (a dist, a Gerrit server, a customer, a release). Each level's allowed keys are
   * read from here, in this order, so that this list and what the loader takes cannot disagree.
   */
  private static final List<String> KEYS =
      List.of(
          "state-dir",
          "docker-host",
          "image-dist",
          "dists.*.family",
          "dists.*.format",
          "dists.*.mirror",
          "build-limits.timeout",
          "build-limits.memory",
          "build-limits.pids",
          "build-limits.tmpfs",
          "publisher.repo-root",
          "publisher.signing-key",
          "publisher.base-url",
          "publisher.origin",
          "publisher.architectures",
          "publisher.keep-snapshots",
          "publisher.progression",
          "publisher.ga-releases",
          "publisher.uploaders-keyring",
          "scheduler.listen",
          "scheduler.database",
          "scheduler.dispatcher",
          "scheduler.slots",
          "scheduler.webhook-secret-file",
          "scheduler.builds-dir",
          "scheduler.public-url",
          "scheduler.git-cache-dir",
          "scheduler.jenkins.url",
          "scheduler.jenkins.user",
          "scheduler.jenkins.token-file",
          "scheduler.jenkins.job",
          "scheduler.gerrit.*.ssh",
          "scheduler.gerrit.*.ssh-key",
          "scheduler.gerrit.*.http",
          "scheduler.gerrit.*.http-user",
          "scheduler.gerrit.*.http-password-file",
          "scheduler.customers.*.gerrit",
          "scheduler.customers.*.releases.*.branches",
          "scheduler.customers.*.releases.*.dists",
          "scheduler.customers.*.releases.*.merge-suite");

  private final List<String> problems = new ArrayList<>();

  private ConfigLoader() {}

  /** Reads and validates a file; an override of the state directory wins over the file. */
  public static PerestroikaConfig load(Path file, Optional<Path> stateDirOverride) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
    }
    return parse(text, file.toString(), stateDirOverride);
  }

  static PerestroikaConfig parse(String text, String source, Optional<Path> stateDirOverride) {
    Object root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      // Every scalar stays text: a key id such as 0123ABCD must not turn into a number.
      Resolver textOnly =
          new Resolver() {
            @Override
            protected void addImplicitResolvers() {}
          };
      root =
          new Yaml(
                  new SafeConstructor(options),
                  new Representer(new DumperOptions()),
                  new DumperOptions(),
                  options,
                  textOnly)
              .load(text);
    } catch (YAMLException e) {
      throw new ConfigException(source, List.of("is not valid YAML: " + e.getMessage()));
    }
    ConfigLoader loader = new ConfigLoader();
    Map<String, Object> top = root == null ? Map.of() : loader.map(root, "the file");
    PerestroikaConfig config = loader.build(top, stateDirOverride);
    if (!loader.problems.isEmpty()) {
      throw new ConfigException(source, loader.problems);
    }
    return config;
  }

  /**
   * Every key a file may set, as dotted paths with {@code *} for the names the file chooses, such
   * as {@code scheduler.gerrit.*.ssh}; a mapping is listed by the keys inside it.
   */
  public static List<String> knownKeys() {
    return KEYS;
  }

  /** The configuration with every default, as used when no file is given. */
  public static PerestroikaConfig defaults(Optional<Path> stateDirOverride) {
    return new ConfigLoader().build(Map.of(), stateDirOverride);
  }

  private PerestroikaConfig build(Map<String, Object> top, Optional<Path> stateDirOverride) {
    allowOnly(top, "", "");
    Path stateDir =
        stateDirOverride.orElseGet(
            () -> Path.of(string(top, "", "state-dir", "/var/lib/perestroika")));
    URI dockerHost =
        uri(string(top, "", "docker-host", "unix:///var/run/docker.sock"), "docker-host");
    Map<String, Dist> dists = new LinkedHashMap<>(DEFAULT_DISTS);
    if (top.containsKey("dists")) {
      map(top.get("dists"), "dists")
          .forEach((name, value) -> dist(name, value).ifPresent(d -> dists.put(name, d)));
    }
    String imageDist = string(top, "", "image-dist", "bookworm");
    if (!dists.containsKey(imageDist)) {
      problems.add("image-dist: '" + imageDist + "' is not a configured dist");
      imageDist = "bookworm";
    }
    BuildLimits limits =
        limits(
            top.containsKey("build-limits")
                ? map(top.get("build-limits"), "build-limits")
                : Map.of());
    PerestroikaConfig.Publisher publisher =
        publisher(top.containsKey("publisher") ? map(top.get("publisher"), "publisher") : Map.of());
    Optional<SchedulerConfig> scheduler =
        top.containsKey("scheduler")
            ? Optional.of(scheduler(map(top.get("scheduler"), "scheduler"), dists))
            : Optional.empty();
    if (!problems.isEmpty()) {
      return null;
    }
    return new PerestroikaConfig(
        stateDir, dockerHost, imageDist, dists, limits, publisher, scheduler);
  }

  private Optional<Dist> dist(String name, Object value) {
    String where = "dists." + name;
    Map<String, Object> fields = map(value, where);
    allowOnly(fields, "dists.*", where + ".");
    String family = string(fields, where + ".", "family", null);
    String format = string(fields, where + ".", "format", "deb");
    String mirror = string(fields, where + ".", "mirror", null);
    if (family == null || mirror == null) {
      problems.add(where + ": needs both `family` (debian, ubuntu, centos-7) and `mirror`");
      return Optional.empty();
    }
    PackageFormat packageFormat;
    try {
      packageFormat = PackageFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(where + ".format: '" + format + "' is neither deb nor rpm");
      return Optional.empty();
    }
    return attempt(
        where, () -> new Dist(name, family, packageFormat, uri(mirror, where + ".mirror")));
  }

  private BuildLimits limits(Map<String, Object> fields) {
    allowOnly(fields, "build-limits", "build-limits.");
    BuildLimits d = BuildLimits.DEFAULTS;
    Duration timeout = value(fields, "build-limits.timeout", ConfigLoader::duration, d.timeout());
    long memory = value(fields, "build-limits.memory", ConfigLoader::size, d.memoryBytes());
    long pids = value(fields, "build-limits.pids", Long::parseLong, d.pids());
    long tmpfs = value(fields, "build-limits.tmpfs", ConfigLoader::size, d.tmpfsBytes());
    return attempt("build-limits", () -> new BuildLimits(timeout, memory, pids, tmpfs)).orElse(d);
  }

  private PerestroikaConfig.Publisher publisher(Map<String, Object> fields) {
    allowOnly(fields, "publisher", "publisher.");
    Optional<Path> repoRoot =
        Optional.ofNullable(string(fields, "publisher.", "repo-root", null)).map(Path::of);
    Optional<String> key = Optional.ofNullable(string(fields, "publisher.", "signing-key", null));
    Optional<String> baseUrl = Optional.ofNullable(string(fields, "publisher.", "base-url", null));
    String origin = string(fields, "publisher.", "origin", "Perestroika");
    List<String> architectures = List.of("amd64");
    if (fields.get("architectures") instanceof List<?> list) {
      architectures = list.stream().map(String::valueOf).toList();
    } else if (fields.containsKey("architectures")) {
      problems.add("publisher.architectures: must be a list, such as [amd64, arm64]");
    }
    int keep = value(fields, "publisher.keep-snapshots", Integer::parseInt, 3);
    if (keep < 1) {
      problems.add("publisher.keep-snapshots: must be at least 1, got " + keep);
    }
    List<Release> progression = releases(fields, "progression");
    List<Release> gaReleases = releases(fields, "ga-releases");
    ReleaseProgression order =
        attempt("publisher.progression", () -> new ReleaseProgression(progression))
            .orElse(ReleaseProgression.natural());
    Optional<Path> uploaders =
        Optional.ofNullable(string(fields, "publisher.", "uploaders-keyring", null)).map(Path::of);
    if (uploaders.isPresent() && !uploaders.get().isAbsolute()) {
      problems.add(
          "publisher.uploaders-keyring: '"
              + uploaders.get()
              + "' must be an absolute path to a keyring file, such as"
              + " /etc/perestroika/uploaders.gpg");
    }
    return new PerestroikaConfig.Publisher(
        repoRoot,
        key,
        baseUrl,
        origin,
        architectures,
        keep,
        order,
        Set.copyOf(gaReleases),
        uploaders);
  }

  /** A list of release names under {@code publisher.<key>}, each checked. */
  private List<Release> releases(Map<String, Object> fields, String key) {
    if (!fields.containsKey(key)) {
      return List.of();
    }
    if (!(fields.get(key) instanceof List<?> list)) {
      problems.add("publisher." + key + ": must be a list of releases, such as [mos9.0, mos10.0]");
      return List.of();
    }
    List<Release> releases = new ArrayList<>();
    for (Object name : list) {
      attempt("publisher." + key, () -> new Release(String.valueOf(name))).ifPresent(releases::add);
    }
    return releases;
  }

  private SchedulerConfig scheduler(Map<String, Object> fields, Map<String, Dist> dists) {
    String at = "scheduler.";
    allowOnly(fields, "scheduler", at);
    String listen = string(fields, at, "listen", "127.0.0.1:8080");
    if (!listen.matches("[^:\\s]+:\\d{1,5}")) {
      problems.add(at + "listen: '" + listen + "' is not host:port");
    }
    String dispatcher = string(fields, at, "dispatcher", "local");
    if (!List.of("local", "jenkins").contains(dispatcher)) {
      problems.add(at + "dispatcher: '" + dispatcher + "' is neither local nor jenkins");
    }
    int slots =
        value(fields, at + "slots", Integer::parseInt, Runtime.getRuntime().availableProcessors());
    if (slots < 1) {
      problems.add(at + "slots: must be at least 1");
    }
    Map<String, SchedulerConfig.Gerrit> gerrit = new LinkedHashMap<>();
    if (fields.containsKey("gerrit")) {
      map(fields.get("gerrit"), at + "gerrit")
          .forEach(
              (name, value) ->
                  gerrit(name, map(value, at + "gerrit." + name))
                      .ifPresent(g -> gerrit.put(name, g)));
    }
    if (gerrit.isEmpty()) {
      problems.add(at + "gerrit: name at least one Gerrit server to follow");
    }
    Map<String, SchedulerConfig.Customer> customers = new LinkedHashMap<>();
    if (fields.containsKey("customers")) {
      map(fields.get("customers"), at + "customers")
          .forEach(
              (name, value) ->
                  customers.put(
                      name, customer(name, map(value, at + "customers." + name), gerrit, dists)));
    }
    Optional<SchedulerConfig.Jenkins> jenkins = Optional.empty();
    if (fields.containsKey("jenkins")) {
      Map<String, Object> j = map(fields.get("jenkins"), at + "jenkins");
      String where = at + "jenkins.";
      allowOnly(j, "scheduler.jenkins", where);
      String url = string(j, where, "url", null);
      String user = string(j, where, "user", null);
      String token = string(j, where, "token-file", null);
      if (url == null || user == null || token == null) {
        problems.add(at + "jenkins: needs url, user and token-file");
      } else {
        jenkins =
            Optional.of(
                new SchedulerConfig.Jenkins(
                    uri(url, where + "url"),
                    user,
                    Path.of(token),
                    string(j, where, "job", "{customer}-{release}-{format}-build")));
      }
    }
    if (dispatcher.equals("jenkins") && jenkins.isEmpty()) {
      problems.add(at + "dispatcher: jenkins needs a scheduler.jenkins section");
    }
    return new SchedulerConfig(
        listen,
        Optional.ofNullable(string(fields, at, "database", null)),
        dispatcher,
        Math.max(1, slots),
        Optional.ofNullable(string(fields, at, "webhook-secret-file", null)).map(Path::of),
        jenkins,
        gerrit,
        customers,
        Optional.ofNullable(string(fields, at, "builds-dir", null)).map(Path::of),
        Optional.ofNullable(string(fields, at, "public-url", null))
            .map(url -> httpUrl(url, at + "public-url")),
        Optional.ofNullable(string(fields, at, "git-cache-dir", null)).map(Path::of));
  }

  private Optional<SchedulerConfig.Gerrit> gerrit(String name, Map<String, Object> fields) {
    String where = "scheduler.gerrit." + name + ".";
    allowOnly(fields, "scheduler.gerrit.*", where);
    String ssh = string(fields, where, "ssh", null);
    String key = string(fields, where, "ssh-key", null);
    String http = string(fields, where, "http", null);
    Matcher m = ssh == null ? null : SSH_ADDRESS.matcher(ssh);
    if (m == null || !m.matches() || key == null || http == null) {
      problems.add(
          where.substring(0, where.length() - 1)
              + ": needs ssh (user@host:port), ssh-key (a private key file) and http (the URL)");
      return Optional.empty();
    }
    return Optional.of(
        new SchedulerConfig.Gerrit(
            name,
            m.group(1),
            m.group(2),
            Integer.parseInt(m.group(3)),
            Path.of(key),
            uri(http, where + "http"),
            string(fields, where, "http-user", m.group(1)),
            Optional.ofNullable(string(fields, where, "http-password-file", null)).map(Path::of)));
  }

  private SchedulerConfig.Customer customer(
      String name,
      Map<String, Object> fields,
      Map<String, SchedulerConfig.Gerrit> gerrit,
      Map<String, Dist> dists) {
    String where = "scheduler.customers." + name + ".";
    allowOnly(fields, "scheduler.customers.*", where);
    String server =
        string(
            fields, where, "gerrit", gerrit.size() == 1 ? gerrit.keySet().iterator().next() : null);
    if (server == null || !gerrit.containsKey(server)) {
      problems.add(where + "gerrit: '" + server + "' is not a configured Gerrit server");
    }
    Map<String, SchedulerConfig.ReleaseRoute> releases = new LinkedHashMap<>();
    Map<String, Object> releaseFields =
        fields.containsKey("releases") ? map(fields.get("releases"), where + "releases") : Map.of();
    releaseFields.forEach(
        (release, value) -> {
          String at = where + "releases." + release + ".";
          Map<String, Object> r = map(value, at);
          allowOnly(r, "scheduler.customers.*.releases.*", at);
          attempt(at + "release", () -> new org.perestroika.core.model.Release(release));
          List<String> branches = List.of();
          if (r.get("branches") instanceof List<?> list && !list.isEmpty()) {
            branches = list.stream().map(String::valueOf).toList();
          } else {
            problems.add(at + "branches: list the branches that build for " + release);
          }
          List<String> builtFor = List.of();
          if (r.get("dists") instanceof List<?> list && !list.isEmpty()) {
            builtFor = list.stream().map(String::valueOf).distinct().toList();
            builtFor.stream()
                .filter(d -> !dists.containsKey(d))
                .forEach(d -> problems.add(at + "dists: '" + d + "' is not a configured dist"));
          } else {
            problems.add(
                at + "dists: list the dists " + release + " builds for, such as [bookworm]");
            builtFor = List.of("bookworm");
          }
          String suite = string(r, at, "merge-suite", "proposed");
          attempt(at + "merge-suite", () -> org.perestroika.core.model.Suite.parse(suite));
          releases.put(
              release, new SchedulerConfig.ReleaseRoute(release, branches, builtFor, suite));
        });
    if (releases.isEmpty()) {
      problems.add(where + "releases: name at least one release");
    }
    return new SchedulerConfig.Customer(name, String.valueOf(server), releases);
  }

  /** Parses durations such as 90s, 30m, 2h. */
  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 90s, 30m or 2h");
    }
    try {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  /** Parses sizes such as 512MiB or 8GiB. */
  public static long size(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size such as 512MiB or 8GiB");
    }
    try {
      long n = Long.parseLong(m.group(1));
      return Math.multiplyExact(n, m.group(2).equals("GiB") ? BuildLimits.GIB : BuildLimits.MIB);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size", e);
    }
  }

  private <T> T value(
      Map<String, Object> fields, String where, Function<String, T> parse, T fallback) {
    String key = where.substring(where.lastIndexOf('.') + 1);
    if (!fields.containsKey(key)) {
      return fallback;
    }
    try {
      return parse.apply(String.valueOf(fields.get(key)));
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage());
      return fallback;
    }
  }

  private <T> Optional<T> attempt(String where, java.util.function.Supplier<T> make) {
    try {
      return Optional.of(make.get());
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private URI uri(String text, String where) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      problems.add(where + ": '" + text + "' is not a URI");
      return URI.create("invalid:/");
    }
  }

  private URI httpUrl(String text, String where) {
    URI url = uri(text, where);
    if (url.getHost() == null || !List.of("http", "https").contains(url.getScheme())) {
      problems.add(where + ": '" + text + "' is not an http:// or https:// URL with a host");
    }
    return url;
  }

  /**
   * Reports every key of {@code fields} that {@link #KEYS} does not list under {@code level} (a
   * path such as {@code scheduler.gerrit.*}, empty for the top); {@code prefix} is where the keys
   * are in this file, for the messages.
   */
  private void allowOnly(Map<String, Object> fields, String level, String prefix) {
    List<String> allowed = keysUnder(level);
    Set<String> unknown = new TreeSet<>(fields.keySet());
    unknown.removeAll(allowed);
    for (String key : unknown) {
      problems.add(prefix + key + ": unknown key (allowed: " + String.join(", ", allowed) + ")");
    }
  }

  /** The keys directly under {@code level} in {@link #KEYS}, each once, in their order there. */
  private static List<String> keysUnder(String level) {
    String start = level.isEmpty() ? "" : level + ".";
    List<String> keys =
        KEYS.stream()
            .filter(path -> path.startsWith(start))
            .map(path -> path.substring(start.length()).split("\\.", 2)[0])
            .distinct()
            .toList();
    if (keys.isEmpty()) {
      throw new IllegalStateException("no configuration keys under " + level);
    }
    return keys;
  }

  private String string(Map<String, Object> fields, String prefix, String key, String fallback) {
    Object value = fields.get(key);
    if (value == null || (value instanceof String text && text.isBlank())) {
      return fallback;
    }
    if (value instanceof Map || value instanceof List) {
      problems.add(prefix + key + ": must be a single value");
      return fallback;
    }
    return String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(Object value, String where) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      ((Map<Object, Object>) m).forEach((k, v) -> copy.put(String.valueOf(k), v));
      return copy;
    }
    problems.add(where + ": must be a mapping of keys to values");
    return Map.of();
  }
}
