package org.perestroika.publisher.upstream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.perestroika.core.EnvironmentException;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.file.Sha256;
import org.perestroika.core.model.Dist;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.core.version.DebianVersion;
import org.perestroika.publisher.policy.BaseDistro;
import org.perestroika.publisher.signing.Gpgv;

/**
 * The binary package indices of a base distro release as its mirror publishes them ({@code
 * <mirror>/dists/<suite>/InRelease}, then {@code <component>/binary-<arch>/Packages.xz}), each
 * verified against the archive's keyring and the signed checksums, and kept decompressed under a
 * cache directory.
 *
 * <p>An index is read once, on first use, and then stays as it was: make a new one to see later
 * changes. Reading fetches each suite's InRelease and downloads the rest only when that changed
 * since the cache was filled. The cache is shared safely between processes.
 */
public final class BaseDistroIndex implements BaseDistro {
  /** The archives of the OS families we know, by family name. */
  public static final Map<String, Archive> ARCHIVES =
      Map.of(
          "debian",
          // Debian's security suite lives on another host (debian-security), not the mirror; its
          // fixes reach the release itself at the next point release.
          new Archive(
              Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"),
              "debian-archive-keyring",
              List.of("", "-updates"),
              List.of("main")),
          "ubuntu",
          new Archive(
              Path.of("/usr/share/keyrings/ubuntu-archive-keyring.gpg"),
              "ubuntu-keyring",
              List.of("", "-updates", "-security"),
              List.of("main", "restricted", "universe", "multiverse")));

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(15);

  /** Serialises refreshes of one cache within this process; the file lock does across processes. */
  private static final Map<Path, Object> LOCAL_LOCKS = new ConcurrentHashMap<>();

  private final String name;
  private final URI mirror;
  private final Archive archive;
  private final List<String> architectures;
  private final Path cacheDir;
  private final HttpClient http;
  private final CommandRunner runner;
  private final ParsedIndexCache parsed;
  private List<Path> packagesFiles;
  private Map<String, DebianVersion> highest;

  /**
   * How an OS family's archive is laid out and signed.
   *
   * @param keyring the keyring its InRelease files are signed with
   * @param keyringPackage the Debian package that installs {@code keyring}, for messages
   * @param suiteSuffixes the suites read, as suffixes of the release's codename ("" for itself)
   * @param components the archive areas read
   */
  public record Archive(
      Path keyring, String keyringPackage, List<String> suiteSuffixes, List<String> components) {
    public Archive {
      Objects.requireNonNull(keyring, "keyring");
      Objects.requireNonNull(keyringPackage, "keyringPackage");
      suiteSuffixes = List.copyOf(suiteSuffixes);
      components = List.copyOf(components);
      if (suiteSuffixes.isEmpty() || components.isEmpty()) {
        throw new IllegalArgumentException("an archive needs at least one suite and component");
      }
    }
  }

  /**
   * @param name the base distro release, such as bookworm
   * @param mirror the archive's root, such as http://deb.debian.org/debian
   * @param architectures binary architectures whose indices are read, such as amd64
   * @param cacheDir where this release's indices are kept
   */
  public BaseDistroIndex(
      String name,
      URI mirror,
      Archive archive,
      List<String> architectures,
      Path cacheDir,
      HttpClient http,
      CommandRunner runner) {
    this(name, mirror, archive, architectures, cacheDir, http, runner, new ParsedIndexCache());
  }

  /**
   * @param parsed the versions read from earlier instances' files, reused while those are the same
   */
  public BaseDistroIndex(
      String name,
      URI mirror,
      Archive archive,
      List<String> architectures,
      Path cacheDir,
      HttpClient http,
      CommandRunner runner,
      ParsedIndexCache parsed) {
    if (name == null || !name.matches("[a-z][a-z0-9.-]*")) {
      throw new IllegalArgumentException("base distro release '" + name + "' is not a codename");
    }
    this.name = name;
    this.mirror = Objects.requireNonNull(mirror, "mirror");
    this.archive = Objects.requireNonNull(archive, "archive");
    this.architectures = List.copyOf(architectures);
    if (this.architectures.isEmpty() || this.architectures.contains("source")) {
      throw new IllegalArgumentException(
          "base distro indices are read for binary architectures, got " + architectures);
    }
    this.cacheDir = cacheDir.toAbsolutePath().normalize();
    this.http = Objects.requireNonNull(http, "http");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.parsed = Objects.requireNonNull(parsed, "parsed");
  }

  /**
   * The index of the release a dist builds for, from the dist's mirror, cached under {@code
   * <cacheRoot>/<dist>}.
   *
   * @throws IllegalArgumentException when no archive is known for the dist's family
   */
  public static BaseDistroIndex of(
      Dist dist, List<String> architectures, Path cacheRoot, CommandRunner runner) {
    return of(dist, architectures, cacheRoot, runner, new ParsedIndexCache());
  }

  /** The same, reusing what {@code parsed} read of unchanged files. */
  public static BaseDistroIndex of(
      Dist dist,
      List<String> architectures,
      Path cacheRoot,
      CommandRunner runner,
      ParsedIndexCache parsed) {
    Archive archive = ARCHIVES.get(dist.family());
    if (archive == null) {
      throw new IllegalArgumentException(
          "dist "
              + dist.name()
              + ": no base distro archive is known for family '"
              + dist.family()
              + "' (known: "
              + String.join(", ", ARCHIVES.keySet().stream().sorted().toList())
              + "), so the version policy cannot read its packages");
    }
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    return new BaseDistroIndex(
        dist.name(),
        dist.mirror(),
        archive,
        architectures,
        cacheRoot.resolve(dist.name()),
        http,
        runner,
        parsed);
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * The decompressed Packages files, one per suite, component and architecture, such as {@code
   * <cache>/bookworm-updates/main/binary-amd64/Packages}. They stay in place until a later index
   * finds their suite changed.
   *
   * @throws EnvironmentException when the mirror cannot be reached or its files do not verify
   */
  public synchronized List<Path> packagesFiles() {
    if (packagesFiles == null) {
      packagesFiles = refresh();
    }
    return packagesFiles;
  }

  /**
   * The highest version of {@code source} among the packages built from it: a stanza's source is
   * its Source field's name (Package when there is none), its source version the one in the Source
   * field's parentheses (Version when there are none).
   *
   * @throws EnvironmentException when the mirror cannot be reached or its files do not verify
   */
  @Override
  public synchronized Optional<DebianVersion> highestSourceVersion(String source) {
    if (highest == null) {
      List<Path> files = packagesFiles();
      highest =
          parsed.versions(
              name,
              files,
              () -> {
                Map<String, DebianVersion> versions = new HashMap<>();
                for (Path file : files) {
                  readSourceVersions(file, versions);
                }
                return versions;
              });
    }
    return Optional.ofNullable(highest.get(source));
  }

  private List<Path> refresh() {
    Path lockFile = cacheDir.resolve("lock");
    synchronized (LOCAL_LOCKS.computeIfAbsent(lockFile, key -> new Object())) {
      try {
        Files.createDirectories(cacheDir);
        // Closing the channel releases the lock.
        try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          channel.lock();
          List<Path> files = new ArrayList<>();
          for (String suffix : archive.suiteSuffixes()) {
            files.addAll(refreshSuite(name + suffix));
          }
          return List.copyOf(files);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot update the base distro index in " + cacheDir, e);
      }
    }
  }

  /** Brings one suite's cache up to date with the mirror's InRelease; returns its Packages. */
  private List<Path> refreshSuite(String suite) throws IOException {
    Path current = cacheDir.resolve(suite);
    List<String> indices = new ArrayList<>();
    for (String component : archive.components()) {
      for (String architecture : architectures) {
        indices.add(component + "/binary-" + architecture + "/Packages");
      }
    }
    List<Path> files = indices.stream().map(current::resolve).toList();
    Path fresh = cacheDir.resolve("." + suite + ".new");
    FileTrees.delete(fresh);
    Files.createDirectories(fresh);
    Path inRelease = fresh.resolve("InRelease");
    download(suiteUri(suite, "InRelease"), inRelease);
    Path cached = current.resolve("InRelease");
    if (Files.isRegularFile(cached)
        && Arrays.equals(Files.readAllBytes(cached), Files.readAllBytes(inRelease))
        && files.stream().allMatch(Files::isRegularFile)) {
      FileTrees.delete(fresh);
      return files;
    }
    SignedRelease release = verify(suite, inRelease, fresh.resolve("Release"));
    for (String index : indices) {
      fetchIndex(suite, index, release, fresh);
    }
    Files.delete(fresh.resolve("Release"));
    Path old = cacheDir.resolve("." + suite + ".old");
    FileTrees.delete(old);
    if (Files.exists(current)) {
      Files.move(current, old);
    }
    Files.move(fresh, current);
    FileTrees.delete(old);
    return files;
  }

  /**
   * Checks InRelease's signature with gpgv, which writes out exactly the signed text, and reads the
   * checksums from that text only.
   */
  private SignedRelease verify(String suite, Path inRelease, Path release) throws IOException {
    if (!Files.isRegularFile(archive.keyring())) {
      throw new EnvironmentException(
          "the keyring "
              + archive.keyring()
              + " that "
              + suite
              + "'s signature is checked with is missing: install "
              + archive.keyringPackage()
              + " (`bin/perestroika setup` does)",
          false);
    }
    try {
      Files.writeString(
          release,
          new Gpgv(runner).signedText(archive.keyring(), inRelease),
          StandardCharsets.UTF_8);
    } catch (CommandFailedException e) {
      throw new EnvironmentException(
          suiteUri(suite, "InRelease")
              + " is not signed by a key of "
              + archive.keyring()
              + ": "
              + e.getMessage(),
          false,
          e);
    }
    Deb822.Paragraph paragraph;
    try {
      List<Deb822.Paragraph> paragraphs =
          Deb822.parse(Files.readString(release, StandardCharsets.UTF_8), release.toString());
      if (paragraphs.size() != 1) {
        throw new EnvironmentException(
            suiteUri(suite, "InRelease") + " holds " + paragraphs.size() + " paragraphs, not 1",
            false);
      }
      paragraph = paragraphs.get(0);
    } catch (MalformedControlFileException e) {
      throw new EnvironmentException(
          suiteUri(suite, "InRelease") + " cannot be read: " + e.getMessage(), false, e);
    }
    Map<String, Checksum> checksums = new HashMap<>();
    for (Deb822.Line line : paragraph.lines("SHA256")) {
      String[] parts = line.text().strip().split("\\s+");
      if (parts.length == 3) {
        checksums.put(parts[2], new Checksum(parts[0], Long.parseLong(parts[1])));
      }
    }
    return new SignedRelease(
        checksums, paragraph.value("Acquire-By-Hash").map("yes"::equals).orElse(false));
  }

  /** Downloads one Packages index, compressed as the Release lists it, checks and unpacks it. */
  private void fetchIndex(String suite, String index, SignedRelease release, Path fresh)
      throws IOException {
    Map<String, Checksum> checksums = release.checksums();
    String compressed = null;
    String tool = null;
    if (checksums.containsKey(index + ".xz")) {
      compressed = index + ".xz";
      tool = "xz";
    } else if (checksums.containsKey(index + ".gz")) {
      compressed = index + ".gz";
      tool = "gzip";
    } else {
      throw new EnvironmentException(
          suiteUri(suite, "InRelease")
              + " lists neither "
              + index
              + ".xz nor .gz: the mirror does not carry that component or architecture",
          false);
    }
    Checksum expected = checksums.get(compressed);
    // By hash, a file never changes under its name while the mirror updates.
    String path =
        release.byHash()
            ? compressed.substring(0, compressed.lastIndexOf('/') + 1)
                + "by-hash/SHA256/"
                + expected.sha256()
            : compressed;
    Path target = fresh.resolve(compressed);
    Files.createDirectories(target.getParent());
    download(suiteUri(suite, path), target);
    verify(suite, compressed, target, expected);
    runner.check(Command.of(tool, "--decompress", "--force", target.toString()));
    Path plain = fresh.resolve(index);
    Checksum uncompressed = checksums.get(index);
    if (uncompressed != null) {
      verify(suite, index, plain, uncompressed);
    }
  }

  private void verify(String suite, String name, Path file, Checksum expected) throws IOException {
    Checksum actual = new Checksum(Sha256.of(file), Files.size(file));
    if (!actual.equals(expected)) {
      throw new EnvironmentException(
          suiteUri(suite, name)
              + " does not match "
              + suite
              + "'s signed InRelease (size "
              + actual.size()
              + ", sha256 "
              + actual.sha256()
              + "; signed: size "
              + expected.size()
              + ", sha256 "
              + expected.sha256()
              + "): the mirror may be updating",
          true);
    }
  }

  private URI suiteUri(String suite, String path) {
    String root = mirror.toString().replaceAll("/+$", "");
    return URI.create(root + "/dists/" + suite + "/" + path);
  }

  private void download(URI uri, Path target) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
    HttpResponse<Path> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofFile(target));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot download "
              + uri
              + " ("
              + e
              + "): the version policy needs "
              + name
              + "'s package index; check the network or the dist's mirror in the configuration",
          true,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted downloading " + uri, true, e);
    }
    if (response.statusCode() != 200) {
      throw new EnvironmentException(
          "cannot download "
              + uri
              + ": the mirror answered HTTP "
              + response.statusCode()
              + "; the version policy needs "
              + name
              + "'s package index; check the dist's mirror in the configuration",
          response.statusCode() >= 500);
    }
  }

  /** Adds each stanza's source and source version to {@code versions}, keeping the highest. */
  private static void readSourceVersions(Path file, Map<String, DebianVersion> versions) {
    // Field names and versions are ASCII; Latin-1 reads any byte of the descriptions around them.
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String pkg = null;
      String source = null;
      String version = null;
      int lineNumber = 0;
      for (String line = reader.readLine(); ; line = reader.readLine()) {
        lineNumber++;
        if (line == null || line.isEmpty()) {
          if (pkg != null || source != null || version != null) {
            add(file, lineNumber, pkg, source, version, versions);
          }
          pkg = null;
          source = null;
          version = null;
          if (line == null) {
            return;
          }
        } else if (line.startsWith("Package:")) {
          pkg = line.substring(8).strip();
        } else if (line.startsWith("Source:")) {
          source = line.substring(7).strip();
        } else if (line.startsWith("Version:")) {
          version = line.substring(8).strip();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void add(
      Path file,
      int lineNumber,
      String pkg,
      String source,
      String version,
      Map<String, DebianVersion> versions) {
    if (pkg == null || version == null) {
      throw new EnvironmentException(
          file + ": the stanza ending at line " + lineNumber + " lacks Package or Version", false);
    }
    String name = pkg;
    String sourceVersion = version;
    if (source != null) {
      int open = source.indexOf('(');
      int close = source.lastIndexOf(')');
      name = open < 0 ? source : source.substring(0, open).strip();
      if (open >= 0 && close > open) {
        sourceVersion = source.substring(open + 1, close).strip();
      } else if (open >= 0) {
        throw new EnvironmentException(
            file + ": the stanza ending at line " + lineNumber + " has Source: " + source, false);
      }
    }
    DebianVersion parsed;
    try {
      parsed = DebianVersion.parse(sourceVersion);
    } catch (IllegalArgumentException e) {
      throw new EnvironmentException(
          file + ": the stanza ending at line " + lineNumber + ": " + e.getMessage(), false, e);
    }
    versions.merge(name, parsed, (a, b) -> a.isLowerThan(b) ? b : a);
  }

  /** A file's SHA-256 and size, as a Release file lists them. */
  private record Checksum(String sha256, long size) {}

  /** What a verified InRelease says: each file's checksum, and whether files exist by hash. */
  private record SignedRelease(Map<String, Checksum> checksums, boolean byHash) {}
}
