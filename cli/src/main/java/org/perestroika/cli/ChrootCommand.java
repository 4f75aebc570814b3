package org.perestroika.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.perestroika.core.model.Dist;
import org.perestroika.worker.chroot.ChrootSnapshot;
import org.perestroika.worker.chroot.ChrootStore;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Creates, updates and lists build chroots. */
@CommandLine.Command(
    name = "chroot",
    description = "Manage build chroots (debootstrap snapshots, switched atomically).",
    subcommands = {
      ChrootCommand.Create.class,
      ChrootCommand.Update.class,
      ChrootCommand.List.class
    })
final class ChrootCommand {
  @ParentCommand Main main;

  @CommandLine.Command(name = "create", description = "Bootstrap the first chroot of a dist.")
  static final class Create implements Callable<Integer> {
    @ParentCommand ChrootCommand parent;

    @Option(names = "--dist", required = true, description = "dist name, such as bookworm")
    String dist;

    @Override
    public Integer call() {
      try (Farm farm = new Farm(parent.main.config())) {
        Dist target = farm.config.dist(dist);
        Optional<ChrootSnapshot> existing = farm.chroots().current(dist);
        if (existing.isPresent()) {
          System.out.println("chroot " + existing.get().label() + " already exists");
          return Main.OK;
        }
        Phases phases = new Phases(System.out, "chroot");
        phases.run("create " + dist, () -> farm.chroots().create(target, phases::say).label());
        return Main.OK;
      }
    }
  }

  @CommandLine.Command(
      name = "update",
      description = "Upgrade a copy of the current chroot and switch to it only if all went well.")
  static final class Update implements Callable<Integer> {
    @ParentCommand ChrootCommand parent;

    @Option(names = "--dist", required = true, description = "dist name, such as bookworm")
    String dist;

    @Override
    public Integer call() {
      try (Farm farm = new Farm(parent.main.config())) {
        Dist target = farm.config.dist(dist);
        Phases phases = new Phases(System.out, "chroot");
        phases.run("update " + dist, () -> farm.chroots().update(target, phases::say).label());
        return Main.OK;
      }
    }
  }

  @CommandLine.Command(name = "list", description = "Show chroot snapshots: name, dist, age, size.")
  static final class List implements Callable<Integer> {
    @ParentCommand ChrootCommand parent;

    @Option(names = "--dist", description = "only this dist")
    String dist;

    @Override
    public Integer call() {
      try (Farm farm = new Farm(parent.main.config())) {
        ChrootStore store = farm.chroots();
        java.util.List<ChrootSnapshot> snapshots =
            store.list().stream().filter(s -> dist == null || s.dist().equals(dist)).toList();
        System.out.printf("%-34s %-10s %-8s %10s  %s%n", "NAME", "DIST", "AGE", "SIZE", "CURRENT");
        for (ChrootSnapshot s : snapshots) {
          boolean current = store.current(s.dist()).map(c -> c.id().equals(s.id())).orElse(false);
          System.out.printf(
              "%-34s %-10s %-8s %10s  %s%n",
              s.label(),
              s.dist(),
              age(Duration.between(s.createdAt(), Instant.now())),
              mebibytes(store.sizeBytes(s)),
              current ? "yes" : "");
        }
        if (snapshots.isEmpty()) {
          System.out.println("(no chroots: run `perestroika chroot create --dist bookworm`)");
        }
        return Main.OK;
      }
    }

    private static String age(Duration age) {
      for (var unit :
          java.util.List.of(
              java.util.Map.entry(86400L, "d"),
              java.util.Map.entry(3600L, "h"),
              java.util.Map.entry(60L, "m"))) {
        if (age.toSeconds() >= unit.getKey()) {
          return age.toSeconds() / unit.getKey() + unit.getValue();
        }
      }
      return age.toSeconds() + "s";
    }

    private static String mebibytes(long bytes) {
      return (bytes / (1024 * 1024)) + " MiB";
    }
  }
}
