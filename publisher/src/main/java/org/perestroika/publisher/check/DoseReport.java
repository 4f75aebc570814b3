package org.perestroika.publisher.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The packages dose-distcheck or dose-builddebcheck found broken, read from the YAML report they
 * print with {@code --failures --explain}: each broken package with its reasons, a dependency
 * nothing satisfies or a conflict, and the dependency chains that lead there.
 */
record DoseReport(List<Broken> broken) {

  DoseReport {
    broken = List.copyOf(broken);
  }

  /**
   * @param tool names the tool in error messages
   * @throws CheckException when the text is not a dose report
   */
  static DoseReport parse(String yaml, String tool) {
    Object root;
    try {
      // Every scalar stays text: versions such as 1.10 or 1:20 must not become numbers.
      Resolver textOnly =
          new Resolver() {
            @Override
            protected void addImplicitResolvers() {}
          };
      LoaderOptions options = new LoaderOptions();
      root =
          new Yaml(
                  new SafeConstructor(options),
                  new Representer(new DumperOptions()),
                  new DumperOptions(),
                  options,
                  textOnly)
              .load(yaml);
    } catch (YAMLException e) {
      throw new CheckException(tool + " printed a report that is not YAML: " + e.getMessage(), e);
    }
    Map<?, ?> top = map(root, tool, "the report");
    if (!top.containsKey("report")) {
      throw new CheckException(tool + " printed no report: " + abbreviate(yaml));
    }
    List<Broken> broken = new ArrayList<>();
    for (Object entry : list(top.get("report"), tool, "report")) {
      Map<?, ?> item = map(entry, tool, "a report entry");
      List<Reason> reasons = new ArrayList<>();
      for (Object reason : list(item.get("reasons"), tool, "reasons")) {
        reasons.add(reason(map(reason, tool, "a reason"), tool));
      }
      broken.add(new Broken(ref(item, tool), reasons));
    }
    return new DoseReport(broken);
  }

  /** A package as dose names it; {@code source} for the source packages builddebcheck checks. */
  record Ref(String name, String version, String architecture, boolean source, boolean essential) {
    Ref {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(architecture, "architecture");
    }

    boolean same(Ref other) {
      return name.equals(other.name) && version.equals(other.version) && source == other.source;
    }

    @Override
    public String toString() {
      return name + " " + version + (source ? " (source)" : "") + (essential ? " (essential)" : "");
    }
  }

  /** A package found broken and why. */
  record Broken(Ref pkg, List<Reason> reasons) {
    Broken {
      Objects.requireNonNull(pkg, "pkg");
      reasons = List.copyOf(reasons);
    }

    /** One readable sentence per reason, each naming the package and version. */
    List<String> describe() {
      String who = pkg + (pkg.source() ? "" : " [" + pkg.architecture() + "]") + ": ";
      if (reasons.isEmpty()) {
        return List.of(who + "broken, and dose gave no reason");
      }
      return reasons.stream().map(reason -> who + reason.describe(pkg)).toList();
    }
  }

  /** Why a package is broken. */
  sealed interface Reason permits Missing, Conflict {
    /** The reason as a sentence about {@code broken}, which the caller names first. */
    String describe(Ref broken);
  }

  /** {@code pkg}, reached through {@code chain}, has a dependency that nothing satisfies. */
  record Missing(Ref pkg, String dependency, List<Step> chain) implements Reason {
    Missing {
      chain = List.copyOf(chain);
    }

    @Override
    public String describe(Ref broken) {
      String subject = chain.isEmpty() && pkg.same(broken) ? "" : pkg + " ";
      String path = chain.isEmpty() ? "" : Step.join(chain) + "; ";
      return path
          + subject
          + Step.verb(pkg)
          + " "
          + dependency
          + ", which no package of the release or the base distribution satisfies";
    }
  }

  /** {@code first} conflicts with {@code second}, and the chains show why both are needed. */
  record Conflict(
      Ref first, String conflict, Ref second, List<Step> firstChain, List<Step> secondChain)
      implements Reason {
    Conflict {
      firstChain = List.copyOf(firstChain);
      secondChain = List.copyOf(secondChain);
    }

    @Override
    public String describe(Ref broken) {
      String subject = first.same(broken) ? "" : first + " ";
      String text = subject + "conflicts with " + conflict + ", but " + second + " is needed too";
      List<String> chains =
          Stream.of(firstChain, secondChain)
              .filter(chain -> !chain.isEmpty())
              .map(Step::join)
              .toList();
      return chains.isEmpty() ? text : text + " (" + String.join("; ", chains) + ")";
    }
  }

  /** One link of a dependency chain: {@code pkg} depends on {@code depends}. */
  record Step(Ref pkg, String depends) {
    static String join(List<Step> chain) {
      return chain.stream()
          .map(step -> step.pkg() + " " + verb(step.pkg()) + " " + step.depends())
          .collect(Collectors.joining(", "));
    }

    static String verb(Ref pkg) {
      return pkg.source() ? "build-depends on" : "depends on";
    }
  }

  private static Reason reason(Map<?, ?> reason, String tool) {
    if (reason.get("missing") != null) {
      Map<?, ?> missing = map(reason.get("missing"), tool, "missing");
      Map<?, ?> pkg = map(missing.get("pkg"), tool, "missing pkg");
      return new Missing(
          ref(pkg, tool),
          text(pkg, "unsat-dependency", tool),
          firstChain(missing.get("depchains"), tool));
    }
    if (reason.get("conflict") != null) {
      Map<?, ?> conflict = map(reason.get("conflict"), tool, "conflict");
      Map<?, ?> first = map(conflict.get("pkg1"), tool, "conflict pkg1");
      return new Conflict(
          ref(first, tool),
          text(first, "unsat-conflict", tool),
          ref(map(conflict.get("pkg2"), tool, "conflict pkg2"), tool),
          firstChain(conflict.get("depchain1"), tool),
          firstChain(conflict.get("depchain2"), tool));
    }
    throw new CheckException(
        tool + " gave a reason that is neither missing nor conflict: " + reason);
  }

  /** The first of a list of chains: one is enough to show how the package is reached. */
  private static List<Step> firstChain(Object chains, String tool) {
    List<?> all = list(chains, tool, "depchains");
    if (all.isEmpty()) {
      return List.of();
    }
    Map<?, ?> chain = map(all.get(0), tool, "a depchain");
    List<Step> steps = new ArrayList<>();
    for (Object step : list(chain.get("depchain"), tool, "depchain")) {
      Map<?, ?> fields = map(step, tool, "a depchain step");
      // A chain's last step may name only the package the conflict is about.
      if (fields.get("depends") != null) {
        steps.add(new Step(ref(fields, tool), text(fields, "depends", tool)));
      }
    }
    return steps;
  }

  private static Ref ref(Map<?, ?> fields, String tool) {
    return new Ref(
        text(fields, "package", tool),
        text(fields, "version", tool),
        text(fields, "architecture", tool),
        "src".equals(fields.get("type")),
        "true".equals(fields.get("essential")));
  }

  private static String text(Map<?, ?> fields, String key, String tool) {
    Object value = fields.get(key);
    if (!(value instanceof String text)) {
      throw new CheckException(tool + " printed an entry without '" + key + "': " + fields);
    }
    return text;
  }

  private static Map<?, ?> map(Object value, String tool, String what) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new CheckException(tool + " printed " + what + " that is not a mapping: " + value);
    }
    return map;
  }

  /** A list; dose prints an empty list as nothing, which YAML reads as null or blank text. */
  private static List<?> list(Object value, String tool, String what) {
    if (value == null || (value instanceof String text && text.isBlank())) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new CheckException(tool + " printed " + what + " that is not a list: " + value);
    }
    return list;
  }

  private static String abbreviate(String text) {
    String stripped = text.strip();
    return stripped.length() > 300 ? stripped.substring(0, 300) + "..." : stripped;
  }
}
