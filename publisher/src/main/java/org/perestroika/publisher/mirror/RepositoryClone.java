package org.perestroika.publisher.mirror;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.perestroika.core.debian.Deb822;
import org.perestroika.core.debian.MalformedControlFileException;
import org.perestroika.core.file.FileTrees;
import org.perestroika.core.process.Command;
import org.perestroika.core.process.CommandFailedException;
import org.perestroika.core.process.CommandRunner;
import org.perestroika.publisher.signing.Gpgv;

/**
 * A local copy of an apt repository (the base distro's or a MOS mirror) for installing offline: the
 * signed InRelease of each suite, the indices it lists for the chosen components and architectures,
 * and every package those list, each checked against the checksum that leads to it from the
 * signature.
 *
 * <p>The copy is a {@link SnapshotStore}: {@code target} links to a complete snapshot and is
 * switched only when a new one is complete, so an interrupted or refused clone leaves the last good
 * copy in place. Packages already held are hard-linked from the previous snapshot, not fetched
 * again; packages downloaded by a run that did not finish wait, verified, in {@code incoming/} for
 * the next run.
 */
public final class RepositoryClone {
  private static final Path POOL = Path.of(SnapshotStore.PUBLIC, "pool");
  private static final Pattern FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]*(/[A-Za-z0-9][A-Za-z0-9._+~-]*)*");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int PARALLEL_DOWNLOADS = 4;

  private final HttpClient http;
  private final Gpgv gpgv;
  private final CommandRunner runner;
  private final Consumer<String> progress;

  public RepositoryClone(HttpClient http, CommandRunner runner, Consumer<String> progress) {
    this.http = Objects.requireNonNull(http, "http");
    this.runner = Objects.requireNonNull(runner, "runner");
    this.gpgv = new Gpgv(runner);
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** An HTTP client as clones need it: redirects followed, a bounded wait to connect. */
  public static HttpClient httpClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  /**
   * What to clone.
   *
   * @param source the repository's root, where {@code dists/} and {@code pool/} are (http, https or
   *     file)
   * @param target the path to serve the copy from; becomes a link to its current snapshot
   * @param keyring the binary OpenPGP keyring the InRelease files must be signed with
   * @param suites full suite names, such as {@code bookworm} or {@code mos10.0-updates}
   */
  public record Request(
      URI source,
      Path target,
      Path keyring,
      List<String> suites,
      List<String> components,
      List<String> architectures) {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~/-]*");

    public Request {
      Objects.requireNonNull(source, "source");
      String scheme = source.getScheme() == null ? "" : source.getScheme();
      if (!List.of("http", "https", "file").contains(scheme)) {
        throw new IllegalArgumentException(
            "repository URL '"
                + source
                + "' must be http://, https:// or file: (the directory that holds dists/)");
      }
      if (source.getRawQuery() != null || source.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "repository URL '" + source + "' must not have a query or fragment");
      }
      if (!source.getPath().endsWith("/")) {
        source = URI.create(source + "/");
      }
      target = target.toAbsolutePath().normalize();
      if (target.getParent() == null) {
        throw new IllegalArgumentException("the clone cannot be the file system root");
      }
      keyring = keyring.toAbsolutePath().normalize();
      if (!Files.isRegularFile(keyring)) {
        throw new IllegalArgumentException(
            "keyring "
                + keyring
                + " does not exist: give the repository's public keyring (binary .gpg, as"
                + " apt's signed-by takes)");
      }
      suites = checked("suite", suites);
      components = checked("component", components);
      architectures = checked("architecture", architectures);
    }

    private static List<String> checked(String what, List<String> words) {
      if (words.isEmpty()) {
        throw new IllegalArgumentException("name at least one " + what);
      }
      for (String word : words) {
        if (!WORD.matcher(word).matches() || word.contains("..")) {
          throw new IllegalArgumentException(what + " '" + word + "' is not a plain name");
        }
      }
      return List.copyOf(new java.util.LinkedHashSet<>(words));
    }
  }

  /**
   * What a clone did.
   *
   * @param changed whether a new snapshot went live (false: the copy was already up to date)
   * @param fetched files downloaded
   * @param bytesFetched their size
   * @param kept package files already held and linked, not downloaded
   */
  public record Result(Path target, boolean changed, int fetched, long bytesFetched, int kept) {}

  /**
   * Brings the copy up to date with the source.
   *
   * @throws MirrorException when the source cannot be read, a signature or checksum does not match,
   *     or the source lacks what was asked; the copy is then left as it was
   */
  public Result clone(Request request) {
    SnapshotStore store =
        new SnapshotStore(request.target(), Set.of(POOL), Set.of(), 2, Duration.ofMinutes(10));
    Path incoming = store.snapshotsDir().resolve("incoming");
    try {
      Result result = store.update(snapshot -> new Run(request, snapshot, incoming).apply());
      // Every package that waited in incoming/ is in the new snapshot now.
      FileTrees.delete(incoming);
      return result;
    } catch (SnapshotException
        | MalformedControlFileException
        | CommandFailedException
        | UncheckedIOException
        | MirrorException e) {
      throw new MirrorException(
          "could not clone "
              + request.source()
              + " into "
              + request.target()
              + ", which is left as it was: "
              + e.getMessage(),
          e);
    }
  }

  /** One package file a Packages index lists. */
  record PoolFile(String name, long size, String sha256) {}

  /** One index file a Release lists. */
  record Index(String path, long size, String sha256) {}

  /** The work of one clone on one snapshot copy. */
  private final class Run {
    private final Request request;
    private final SnapshotStore.Snapshot snapshot;
    private final Path incoming;
    private final Path publicDir;
    private final Set<Path> wanted = new HashSet<>();
    private final Set<Path> byHashSuites = new HashSet<>();
    private final AtomicInteger fetched = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger kept = new AtomicInteger();

    Run(Request request, SnapshotStore.Snapshot snapshot, Path incoming) {
      this.request = request;
      this.snapshot = snapshot;
      this.incoming = incoming;
      this.publicDir = snapshot.publicDir();
    }

    SnapshotStore.Outcome<Result> apply() throws IOException {
      Map<String, PoolFile> pool = new LinkedHashMap<>();
      for (String suite : request.suites()) {
        for (PoolFile file : suite(suite)) {
          PoolFile other = pool.putIfAbsent(file.name(), file);
          if (other != null && !other.sha256().equals(file.sha256())) {
            throw new MirrorException(
                file.name() + " is listed twice with different checksums: the source is broken");
          }
        }
      }
      fetchPool(pool.values());
      int deleted = sweep();
      boolean changed = fetched.get() > 0 || deleted > 0;
      Result result = new Result(request.target(), changed, fetched.get(), bytes.get(), kept.get());
      progress.accept(
          changed
              ? "fetched "
                  + fetched.get()
                  + " files ("
                  + bytes.get()
                  + " bytes), kept "
                  + kept.get()
                  + " packages, removed "
                  + deleted
                  + " files"
              : "already up to date: nothing changed at " + request.source());
      return changed ? SnapshotStore.Outcome.commit(result) : SnapshotStore.Outcome.abandon(result);
    }

    /** Fetches and checks one suite's InRelease and indices; returns the packages they list. */
    private List<PoolFile> suite(String suite) throws IOException {
      Path dir = publicDir.resolve("dists").resolve(suite);
      Files.createDirectories(dir);
      Path inRelease = dir.resolve("InRelease");
      Path fresh = dir.resolve(".InRelease.new");
      String where = "dists/" + suite + "/InRelease";
      if (!download(where, fresh)) {
        throw new MirrorException(
            request.source().resolve(where)
                + " does not exist: only suites with a signed InRelease can be cloned (is '"
                + suite
                + "' the right suite?)");
      }
      String text;
      try {
        text = gpgv.signedText(request.keyring(), fresh);
      } catch (CommandFailedException e) {
        throw new MirrorException(
            "the InRelease of "
                + suite
                + " is not signed by a key in "
                + request.keyring()
                + "; refusing it: "
                + e.getMessage(),
            e);
      }
      if (Files.exists(inRelease) && Files.mismatch(fresh, inRelease) == -1) {
        Files.delete(fresh);
      } else {
        Files.move(fresh, inRelease, StandardCopyOption.REPLACE_EXISTING);
        fetched.incrementAndGet();
        bytes.addAndGet(Files.size(inRelease));
      }
      wanted.add(publicDir.relativize(inRelease));
      Deb822.Paragraph release =
          Deb822.parse(text, request.source().resolve(where).toString()).get(0);
      checkRelease(suite, release);

      List<Index> indices = indices(release);
      for (String component : request.components()) {
        for (String architecture : request.architectures()) {
          String packages = component + "/binary-" + architecture + "/Packages";
          if (indices.stream().noneMatch(index -> index.path().startsWith(packages))) {
            throw new MirrorException(
                "the Release of " + suite + " lists no " + packages + " index");
          }
        }
      }
      Set<String> packageIndices = new java.util.LinkedHashSet<>();
      for (Index index : indices) {
        Path file = dir.resolve(index.path());
        if (fetchIndex(suite, index, file)) {
          wanted.add(publicDir.relativize(file));
          String packages = index.path().replaceFirst("\\.(gz|xz)$", "");
          if (packages.endsWith("/Packages")) {
            packageIndices.add(packages);
          }
        }
      }
      List<PoolFile> files = new ArrayList<>();
      for (String packages : packageIndices) {
        files.addAll(packagesOf(dir, packages));
      }
      if (ByHash.declares(text)) {
        byHashSuites.add(publicDir.relativize(dir));
        ByHash.link(
            dir,
            snapshot.kept().stream()
                .map(kept -> kept.resolve(snapshot.dir().relativize(dir)))
                .toList());
      }
      return files;
    }

    private void checkRelease(String suite, Deb822.Paragraph release) {
      Optional<String> codename = release.value("Codename");
      Optional<String> name = release.value("Suite");
      if (!codename.map(suite::equals).orElse(false) && !name.map(suite::equals).orElse(false)) {
        throw new MirrorException(
            "the InRelease fetched for "
                + suite
                + " is for "
                + codename.or(() -> name).orElse("no suite at all")
                + ": the source is misconfigured or is replaying another suite's file");
      }
      List<String> components = words(release.value("Components").orElse(""));
      List<String> architectures = words(release.value("Architectures").orElse(""));
      for (String component : request.components()) {
        // Release files name components as "updates/main" on some archives.
        if (components.stream()
            .noneMatch(c -> c.equals(component) || c.endsWith("/" + component))) {
          throw new MirrorException(
              suite + " has no component '" + component + "' (it has " + components + ")");
        }
      }
      for (String architecture : request.architectures()) {
        if (!architectures.contains(architecture)) {
          throw new MirrorException(
              suite + " has no architecture '" + architecture + "' (it has " + architectures + ")");
        }
      }
    }

    /** The SHA256-listed indices of the chosen components and architectures. */
    private List<Index> indices(Deb822.Paragraph release) {
      List<String> prefixes = new ArrayList<>();
      for (String component : request.components()) {
        for (String architecture : request.architectures()) {
          prefixes.add(component + "/binary-" + architecture + "/");
        }
        // Packages for every architecture, on archives that list them apart; English
        // descriptions, which apt asks for by default.
        prefixes.add(component + "/binary-all/");
        prefixes.add(component + "/i18n/Translation-en");
      }
      List<Index> indices = new ArrayList<>();
      for (Deb822.Line line : release.lines("SHA256")) {
        String[] words = line.text().split("\\s+");
        if (words.length != 3 || !SHA256.matcher(words[0]).matches()) {
          throw release.error(line.number(), "malformed SHA256 line '" + line.text() + "'");
        }
        String path = words[2];
        if (prefixes.stream().anyMatch(path::startsWith)) {
          checkName(path);
          indices.add(new Index(path, Long.parseLong(words[1]), words[0]));
        }
      }
      return indices;
    }

    /** Fetches one index unless the copy holds it already; false when the source lacks it. */
    private boolean fetchIndex(String suite, Index index, Path file) throws IOException {
      if (Files.isRegularFile(file)
          && Files.size(file) == index.size()
          && sha256(file).equals(index.sha256())) {
        return true;
      }
      Path part = file.resolveSibling("." + file.getFileName() + ".part");
      Files.createDirectories(file.getParent());
      // Archives list uncompressed indices they do not serve; apt takes the variants there are.
      if (!download("dists/" + suite + "/" + index.path(), part)) {
        Files.deleteIfExists(file);
        return false;
      }
      verify(part, index.size(), index.sha256(), "dists/" + suite + "/" + index.path());
      Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
      fetched.incrementAndGet();
      bytes.addAndGet(index.size());
      return true;
    }

    /** The packages an index lists, read from whichever of its variants is there. */
    private List<PoolFile> packagesOf(Path dir, String packages) throws IOException {
      Path plain = dir.resolve(packages);
      Path gz = dir.resolve(packages + ".gz");
      Path xz = dir.resolve(packages + ".xz");
      String source = "dists/" + dir.getFileName() + "/" + packages;
      if (Files.isRegularFile(plain)) {
        try (BufferedReader reader = Files.newBufferedReader(plain, StandardCharsets.UTF_8)) {
          return poolFiles(reader, source);
        }
      }
      if (Files.isRegularFile(gz)) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz));
            BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          return poolFiles(reader, source + ".gz");
        }
      }
      String text =
          runner.check(Command.of("xz", "--decompress", "--stdout", xz.toString())).stdout();
      try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
        return poolFiles(reader, source + ".xz");
      }
    }

    private void fetchPool(java.util.Collection<PoolFile> files) throws IOException {
      List<PoolFile> missing = new ArrayList<>();
      for (PoolFile file : files) {
        Path target = publicDir.resolve(file.name());
        wanted.add(publicDir.relativize(target));
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
            && Files.size(target) == file.size()) {
          // Checked when it was fetched; snapshots never change a pool file.
          kept.incrementAndGet();
        } else {
          missing.add(file);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      long total = missing.stream().mapToLong(PoolFile::size).sum();
      progress.accept(
          "fetching "
              + missing.size()
              + " packages ("
              + total
              + " bytes), "
              + kept.get()
              + " held");
      Files.createDirectories(incoming);
      // One download per content: two names for the same bytes share it.
      Map<String, List<PoolFile>> byContent = new LinkedHashMap<>();
      missing.forEach(
          file -> byContent.computeIfAbsent(file.sha256(), sha -> new ArrayList<>()).add(file));
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_DOWNLOADS);
      try {
        List<Future<?>> downloads = new ArrayList<>();
        for (List<PoolFile> same : byContent.values()) {
          downloads.add(
              pool.submit(
                  () -> {
                    fetchPoolFile(same);
                    return null;
                  }));
        }
        for (Future<?> download : downloads) {
          download.get();
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MirrorException("interrupted while fetching packages", e);
      } finally {
        pool.shutdownNow();
      }
    }

    /** Fetches one content into incoming/ (unless a run before did) and links its names to it. */
    private void fetchPoolFile(List<PoolFile> names) throws IOException {
      PoolFile file = names.get(0);
      Path waiting = incoming.resolve(file.sha256());
      if (!(Files.isRegularFile(waiting) && Files.size(waiting) == file.size())) {
        Path part = incoming.resolve(file.sha256() + ".part");
        if (!download(file.name(), part)) {
          throw new MirrorException(
              request.source().resolve(file.name())
                  + " is listed in the Packages index but does not exist at the source");
        }
        verify(part, file.size(), file.sha256(), file.name());
        Files.move(part, waiting, StandardCopyOption.REPLACE_EXISTING);
        fetched.incrementAndGet();
        bytes.addAndGet(file.size());
      }
      for (PoolFile name : names) {
        Path target = publicDir.resolve(name.name());
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.createLink(target, waiting);
      }
    }

    /** Removes what the source no longer lists; returns how many files went. */
    private int sweep() throws IOException {
      AtomicInteger deleted = new AtomicInteger();
      Files.walkFileTree(
          publicDir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              Path relative = publicDir.relativize(dir);
              boolean managed =
                  relative.getFileName() != null
                      && relative.getFileName().toString().equals("by-hash")
                      && byHashSuites.stream().anyMatch(relative::startsWith);
              return managed ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (!wanted.contains(publicDir.relativize(file))) {
                Files.delete(file);
                deleted.incrementAndGet();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              if (e != null) {
                throw e;
              }
              if (!dir.equals(publicDir)) {
                try (var entries = Files.list(dir)) {
                  if (entries.findAny().isEmpty()) {
                    Files.delete(dir);
                  }
                }
              }
              return FileVisitResult.CONTINUE;
            }
          });
      return deleted.get();
    }

    /** Downloads {@code relative} under the source to {@code target}; false when it is absent. */
    private boolean download(String relative, Path target) throws IOException {
      URI uri = resolve(request.source(), relative);
      Files.deleteIfExists(target);
      if (uri.getScheme().equals("file")) {
        try {
          Files.copy(Path.of(uri), target);
          return true;
        } catch (NoSuchFileException e) {
          return false;
        }
      }
      HttpResponse<Path> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(),
                HttpResponse.BodyHandlers.ofFile(target));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MirrorException("interrupted while fetching " + uri, e);
      } catch (IOException e) {
        throw new MirrorException("cannot fetch " + uri + ": " + e, e);
      }
      if (response.statusCode() == 404 || response.statusCode() == 410) {
        Files.deleteIfExists(target);
        return false;
      }
      if (response.statusCode() != 200) {
        Files.deleteIfExists(target);
        throw new MirrorException(uri + " answered HTTP " + response.statusCode());
      }
      return true;
    }

    private void verify(Path file, long size, String sha256, String name) throws IOException {
      long actualSize = Files.size(file);
      String actual = sha256(file);
      if (actualSize != size || !actual.equals(sha256)) {
        Files.deleteIfExists(file);
        throw new MirrorException(
            name
                + " from "
                + request.source()
                + " does not match its listed checksum: expected "
                + size
                + " bytes with sha256 "
                + sha256
                + ", got "
                + actualSize
                + " bytes with sha256 "
                + actual);
      }
    }
  }

  /** The package files of a Packages index: each stanza's Filename, Size and SHA256. */
  static List<PoolFile> poolFiles(BufferedReader reader, String source) throws IOException {
    List<PoolFile> files = new ArrayList<>();
    Map<String, String> fields = new LinkedHashMap<>();
    int number = 0;
    int stanzaLine = 1;
    String line;
    while (true) {
      line = reader.readLine();
      number++;
      if (line == null || line.isBlank()) {
        if (!fields.isEmpty()) {
          files.add(poolFile(fields, source, stanzaLine));
          fields.clear();
        }
        if (line == null) {
          return files;
        }
        stanzaLine = number + 1;
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0 && !Character.isWhitespace(line.charAt(0))) {
        String name = line.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        if (name.equals("filename") || name.equals("size") || name.equals("sha256")) {
          fields.put(name, line.substring(colon + 1).strip());
        }
      }
    }
  }

  private static PoolFile poolFile(Map<String, String> fields, String source, int line) {
    String name = fields.get("filename");
    String size = fields.get("size");
    String sha256 = fields.get("sha256");
    if (name == null || size == null || sha256 == null) {
      throw new MalformedControlFileException(
          source, line, "a package without Filename, Size and SHA256 cannot be checked");
    }
    if (!SHA256.matcher(sha256).matches() || !size.matches("[0-9]{1,18}")) {
      throw new MalformedControlFileException(
          source, line, "malformed Size '" + size + "' or SHA256 '" + sha256 + "'");
    }
    checkName(name);
    if (name.startsWith("dists/")) {
      throw new MalformedControlFileException(
          source, line, "package file name '" + name + "' points into dists/");
    }
    return new PoolFile(name, Long.parseLong(size), sha256);
  }

  /** A path from an index must stay inside the copy. */
  private static void checkName(String name) {
    if (!FILE_NAME.matcher(name).matches()
        || Arrays.asList(name.split("/")).contains("..")
        || Arrays.asList(name.split("/")).contains(".")) {
      throw new MirrorException("the source lists '" + name + "', which is not a plain path");
    }
  }

  private static URI resolve(URI base, String relative) {
    try {
      return base.resolve(new URI(null, null, relative, null));
    } catch (URISyntaxException e) {
      throw new MirrorException("cannot make a URL of '" + relative + "': " + e.getMessage(), e);
    }
  }

  private static List<String> words(String text) {
    return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
