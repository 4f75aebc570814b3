package org.perestroika.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.perestroika.core.config.PerestroikaConfig;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.PackageFormat;
import org.perestroika.core.model.Release;
import org.perestroika.core.model.Suite;
import org.perestroika.core.service.RepositoryRef;
import org.perestroika.publisher.RepositoryPublisher;
import org.perestroika.publisher.client.ClientConfig;
import org.perestroika.publisher.client.ClientFile;
import org.perestroika.publisher.client.ClientRepositories;
import org.perestroika.publisher.client.ClientUrl;
import org.perestroika.publisher.client.CustomRepository;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Prints or writes the apt or yum configuration of a client of one release. */
@CommandLine.Command(
    name = "client-config",
    description = {
      "Print, or write into a directory, a client's configuration for a release: for apt a"
          + " sources.list and mos.pref pins, for yum a mos.repo with priorities.",
      "MOS is preferred over the base distribution even at a lower version, holdback over both,"
          + " custom repositories over all; proposed is left out unless asked for."
    })
final class ClientConfigCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Option(names = "--release", required = true, description = "release, such as mos10.0")
  String release;

  @Option(
      names = "--dist",
      description = "the client's base distribution, a configured dist (default: the image dist)")
  String dist;

  @Option(
      names = "--url",
      description =
          "where clients reach the MOS repository of the dist's family, such as"
              + " http://mirror/mos/ubuntu (default: publisher.base-url/<family>, or a file: URL"
              + " under the repository root)")
  String url;

  @Option(
      names = "--format",
      description = "apt or yum; must match the dist's package format (default: from the dist)")
  String format;

  @Option(
      names = "--with",
      paramLabel = "SUITE",
      description = "also enable this suite, which is off by default: proposed")
  List<String> with = new ArrayList<>();

  @Option(
      names = "--custom",
      paramLabel = "NAME=URL[,SUITE]",
      description =
          "a repository of custom packages, ranked above MOS and the base distribution; for apt"
              + " SUITE is its codename (default: the release's proposed suite)")
  List<String> custom = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", description = "write the files into DIR")
  Path out;

  @Override
  public Integer call() {
    PerestroikaConfig config = main.config();
    Dist base = config.dist(dist == null ? config.imageDist() : dist);
    checkFormat(base);
    ClientUrl mirror =
        url != null
            ? ClientUrl.parse("--url", url)
            : ClientUrl.parse(
                "the MOS repository's URL from the configuration (give --url)",
                RepositoryPublisher.url(
                    config.repositoryRoot(),
                    config.publisher().baseUrl(),
                    base,
                    RepositoryRef.MIRROR));
    ClientRepositories repositories =
        new ClientRepositories(
            new Release(release),
            base,
            mirror,
            config.publisher().origin(),
            ClientRepositories.suitesWith(with.stream().map(Suite::parse).toList()),
            custom.stream().map(CustomRepository::parse).toList());
    List<ClientFile> files = ClientConfig.files(repositories);
    if (out == null) {
      System.out.print(String.join("\n", files.stream().map(ClientFile::text).toList()));
      return Main.OK;
    }
    write(files);
    for (ClientFile file : files) {
      System.out.println(
          "[client-config] wrote "
              + out.resolve(file.name())
              + ": install as "
              + file.installPath());
    }
    return Main.OK;
  }

  private void checkFormat(Dist base) {
    if (format == null) {
      return;
    }
    PackageFormat wanted =
        switch (format) {
          case "apt" -> PackageFormat.DEB;
          case "yum" -> PackageFormat.RPM;
          default ->
              throw new IllegalArgumentException(
                  "--format '" + format + "' is neither apt nor yum");
        };
    if (wanted != base.format()) {
      throw new IllegalArgumentException(
          "dist "
              + base.name()
              + " packages "
              + base.format().name().toLowerCase(Locale.ROOT)
              + ": its clients use "
              + (base.format() == PackageFormat.DEB ? "apt" : "yum")
              + ", not "
              + format);
    }
  }

  /** Writes every file beside its final name first, then renames each over it. */
  private void write(List<ClientFile> files) {
    Map<Path, Path> renames = new LinkedHashMap<>();
    try {
      Files.createDirectories(out);
      for (ClientFile file : files) {
        Path temporary = out.resolve("." + file.name() + ".tmp");
        renames.put(temporary, out.resolve(file.name()));
        Files.writeString(temporary, file.text(), StandardCharsets.UTF_8);
      }
      for (Map.Entry<Path, Path> rename : renames.entrySet()) {
        Files.move(
            rename.getKey(),
            rename.getValue(),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      for (Path temporary : renames.keySet()) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
          // The first fault is the one to report.
        }
      }
      throw new UncheckedIOException("cannot write the client configuration into " + out, e);
    }
  }
}
