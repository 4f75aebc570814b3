package org.perestroika.core.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The README's configuration reference loads, and names every key the loader takes and no other.
 */
class ConfigReferenceTest {
  private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();
  private static final String HEADING = "## Configuration reference";
  private static final String YAML_FENCE = "```yaml";
  private static final String FENCE = "```";

  @Test
  void theReferenceLoads() throws IOException {
    String reference = reference();
    assertDoesNotThrow(
        () -> ConfigLoader.parse(reference, README + " (" + HEADING + ")", Optional.empty()));
  }

  @Test
  void theReferenceNamesEveryKeyTheLoaderTakesAndNoOther() throws IOException {
    Set<String> known = new TreeSet<>(ConfigLoader.knownKeys());
    Set<String> documented = new TreeSet<>();
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reference());
    keys(root, "", documented);

    Set<String> missing = new TreeSet<>(known);
    missing.removeAll(documented);
    Set<String> extra = new TreeSet<>(documented);
    extra.removeAll(known);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      fail(
          README
              + ", "
              + HEADING
              + ": missing keys "
              + missing
              + ", keys the loader does not take "
              + extra);
    }
  }

  // Every ```yaml block of the README is a configuration file or part of one; other YAML would
  // take another fence.
  @Test
  void everyYamlExampleInTheReadmeLoads() throws IOException {
    List<String> blocks = yamlBlocks(Files.readString(README));
    assertTrue(blocks.size() >= 2, "the reference and the scheduler's example, at least");
    for (String block : blocks) {
      assertDoesNotThrow(
          () -> ConfigLoader.parse(block, README.toString(), Optional.empty()),
          () -> "this example does not load:\n" + block);
    }
  }

  /** The first YAML block under the reference's heading, before the next section. */
  private static String reference() throws IOException {
    String readme = Files.readString(README);
    int heading = readme.indexOf("\n" + HEADING + "\n");
    assertFalse(heading < 0, README + " has no heading " + HEADING);
    int next = readme.indexOf("\n## ", heading + 1);
    String section = readme.substring(heading, next < 0 ? readme.length() : next);
    List<String> blocks = yamlBlocks(section);
    assertFalse(blocks.isEmpty(), HEADING + " has no " + YAML_FENCE + " block");
    return blocks.get(0);
  }

  private static List<String> yamlBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    for (String line : markdown.split("\n", -1)) {
      if (block == null) {
        if (line.strip().equals(YAML_FENCE)) {
          block = new StringBuilder();
        }
      } else if (line.strip().equals(FENCE)) {
        blocks.add(block.toString());
        block = null;
      } else {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }

  /**
   * Adds the dotted path of every leaf under {@code node}, at {@code path}. The names a file
   * chooses become {@code *}, wherever the loader's own keys say a level holds such names.
   */
  private static void keys(Object node, String path, Set<String> into) {
    if (!(node instanceof Map<?, ?> map)) {
      into.add(path);
      return;
    }
    String prefix = path.isEmpty() ? "" : path + ".";
    boolean named = ConfigLoader.knownKeys().stream().anyMatch(k -> k.startsWith(prefix + "*."));
    map.forEach((key, value) -> keys(value, prefix + (named ? "*" : String.valueOf(key)), into));
  }
}
