package org.perestroika.publisher.mirror;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code by-hash} index locations of an apt suite ({@code main/binary-amd64/by-hash/SHA256/...}
 * beside each index a Release file lists), kept for the indices of earlier snapshots too.
 *
 * <p>Why: a client reads InRelease and fetches the indices it names a moment later. If the tree
 * behind the served path is switched in between, the plain {@code Packages} it fetches belongs to
 * the new snapshot and no longer matches the checksum it holds: apt reports "Hash Sum mismatch".
 * With {@code Acquire-By-Hash: yes} in the Release file, apt fetches each index by its checksum
 * instead, and as long as the new snapshot still holds the old checksums' files, every client gets
 * exactly the bytes its InRelease promised, however the switch falls.
 */
public final class ByHash {
  static final String FIELD = "Acquire-By-Hash: yes";

  /** The checksum sections apt may fetch by; it picks the strongest the Release file has. */
  private static final List<String> ALGORITHMS = List.of("SHA256", "SHA512");

  private static final Pattern SECTION = Pattern.compile("(MD5Sum|SHA1|SHA256|SHA512):\\s*");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}|[0-9a-f]{128}");

  private ByHash() {}

  /**
   * Adds {@code Acquire-By-Hash: yes} to a Release file that lacks it, before its checksum
   * sections. Must run before the file is signed.
   */
  public static void declare(Path release) {
    try {
      String text = Files.readString(release, StandardCharsets.UTF_8);
      if (declares(text)) {
        return;
      }
      List<String> lines = new ArrayList<>(text.lines().toList());
      int at = lines.size();
      for (int i = 0; i < lines.size(); i++) {
        if (SECTION.matcher(lines.get(i)).matches()) {
          at = i;
          break;
        }
      }
      lines.add(at, FIELD);
      // A new file renamed over the old one: the old one may be shared with an older snapshot.
      Path fresh = release.resolveSibling(release.getFileName() + ".new");
      Files.writeString(fresh, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
      Files.move(
          fresh, release, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot add " + FIELD + " to " + release, e);
    }
  }

  /** Whether a Release file's text asks clients to fetch indices by hash. */
  public static boolean declares(String releaseText) {
    return releaseText.lines().anyMatch(line -> line.strip().equalsIgnoreCase(FIELD));
  }

  /**
   * Links {@code by-hash/<algorithm>/<checksum>} to every index {@code suite}'s Release (or
   * InRelease) file lists and that exists, and removes the entries that neither it nor the Release
   * file of any of {@code earlierSuites} (the same suite in snapshots that readers may still use)
   * lists.
   *
   * @param suite a suite directory, such as {@code dists/mos10.0-proposed}, holding Release
   * @param earlierSuites the same suite's directories in earlier snapshots; missing ones are
   *     skipped
   */
  public static void link(Path suite, List<Path> earlierSuites) {
    try {
      Map<String, Map<String, String>> current = checksums(release(suite));
      Map<String, Set<String>> wanted = new LinkedHashMap<>();
      for (String algorithm : ALGORITHMS) {
        wanted.put(algorithm, new HashSet<>(current.get(algorithm).values()));
      }
      for (Path earlier : earlierSuites) {
        Path release = release(earlier);
        if (Files.isRegularFile(release)) {
          Map<String, Map<String, String>> old = checksums(release);
          ALGORITHMS.forEach(a -> wanted.get(a).addAll(old.get(a).values()));
        }
      }
      for (String algorithm : ALGORITHMS) {
        for (Map.Entry<String, String> index : current.get(algorithm).entrySet()) {
          Path file = suite.resolve(index.getKey()).normalize();
          if (!file.startsWith(suite)
              || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
              || file.getParent() == null) {
            continue;
          }
          Path entry = file.resolveSibling("by-hash").resolve(algorithm).resolve(index.getValue());
          if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(entry.getParent());
            try {
              Files.createLink(entry, file);
            } catch (FileAlreadyExistsException e) {
              // Two index names with the same content (an empty Packages and its twin).
            }
          }
        }
      }
      prune(suite, wanted);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the by-hash indices of " + suite, e);
    }
  }

  private static void prune(Path suite, Map<String, Set<String>> wanted) throws IOException {
    List<Path> dirs;
    try (Stream<Path> paths = Files.walk(suite)) {
      dirs =
          paths
              .filter(path -> Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
              .filter(
                  path ->
                      path.getParent() != null
                          && path.getParent().getFileName().toString().equals("by-hash"))
              .toList();
    }
    for (Path dir : dirs) {
      Set<String> keep = wanted.getOrDefault(dir.getFileName().toString(), Set.of());
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path entry : entries.toList()) {
          if (!keep.contains(entry.getFileName().toString())) {
            Files.delete(entry);
          }
        }
      }
    }
  }

  /** A suite's Release file, or its InRelease where only that is kept (as in a clone). */
  private static Path release(Path suite) {
    Path release = suite.resolve("Release");
    return Files.isRegularFile(release) ? release : suite.resolve("InRelease");
  }

  /**
   * The SHA256 and SHA512 sections of a Release file: for each algorithm, path to checksum. Read
   * line by line: the sections are the only part that matters here.
   */
  static Map<String, Map<String, String>> checksums(Path release) throws IOException {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    ALGORITHMS.forEach(a -> sections.put(a, new LinkedHashMap<>()));
    Map<String, String> section = null;
    for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
      if (line.startsWith(" ") || line.startsWith("\t")) {
        if (section != null) {
          String[] words = line.strip().split("\\s+");
          if (words.length == 3 && HEX.matcher(words[0]).matches()) {
            section.put(words[2], words[0]);
          }
        }
        continue;
      }
      var matcher = SECTION.matcher(line);
      section = matcher.matches() ? sections.get(matcher.group(1)) : null;
    }
    return sections;
  }
}
