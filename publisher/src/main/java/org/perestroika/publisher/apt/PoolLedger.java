package org.perestroika.publisher.apt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The pool files a snapshot's reprepro database knows but no suite of it names, each with the
 * newest snapshot that may still name it. All snapshots share one pool, so such a file may be
 * deleted only once every snapshot up to that one is pruned. Kept in each snapshot beside its
 * database, one "number filekey" a line, so it changes with the snapshot or not at all.
 */
final class PoolLedger {
  static final String FILE = "pool-unreferenced";

  /** Filekey to the number of the newest snapshot that may name it. */
  private final Map<String, Integer> lastNamedIn;

  private PoolLedger(Map<String, Integer> lastNamedIn) {
    this.lastNamedIn = lastNamedIn;
  }

  /** The ledger of a snapshot directory; empty when it has none (nothing left unreferenced yet). */
  static PoolLedger read(Path snapshot) throws IOException {
    Path file = snapshot.resolve(FILE);
    Map<String, Integer> entries = new LinkedHashMap<>();
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] fields = line.split(" ", 2);
        if (fields.length != 2 || !fields[0].matches("[0-9]+")) {
          throw new IOException(file + " has a malformed line '" + line + "'");
        }
        entries.put(fields[1], Integer.parseInt(fields[0]));
      }
    }
    return new PoolLedger(entries);
  }

  /** The files no snapshot from {@code oldestKept} on names. */
  List<String> releasable(int oldestKept) {
    return lastNamedIn.entrySet().stream()
        .filter(entry -> entry.getValue() < oldestKept)
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * The ledger after a change: {@code unreferenced} is what its database leaves unnamed now. A file
   * newly among them was named, at most, by the snapshot the change started from.
   */
  PoolLedger next(List<String> unreferenced, int previousSnapshot) {
    Map<String, Integer> next = new LinkedHashMap<>();
    for (String filekey : unreferenced) {
      next.put(filekey, lastNamedIn.getOrDefault(filekey, previousSnapshot));
    }
    return new PoolLedger(next);
  }

  void write(Path snapshot) throws IOException {
    Path file = snapshot.resolve(FILE);
    if (lastNamedIn.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    Files.writeString(
        file,
        lastNamedIn.entrySet().stream()
            .map(entry -> entry.getValue() + " " + entry.getKey() + "\n")
            .collect(Collectors.joining()),
        StandardCharsets.UTF_8);
  }
}
