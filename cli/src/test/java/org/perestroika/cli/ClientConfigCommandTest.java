package org.perestroika.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigCommandTest {
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path work;
  private Path config;

  @BeforeEach
  void setUp() throws IOException {
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    config = work.resolve("perestroika.yaml");
    Files.writeString(
        config,
        "publisher:\n  base-url: http://mirror.example.org/mos/\n  origin: Example\n"
            + "dists:\n  noble: {family: ubuntu, format: deb, mirror: http://ubuntu.example.org/ubuntu}\n");
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private int run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return Main.run(all.toArray(String[]::new));
  }

  @Test
  void printsTheAptFilesWithTheConfiguredMirrorOriginAndDist() {
    assertEquals(Main.OK, run("client-config", "--release", "mos10.0", "--dist", "noble"), err());

    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        printed.contains(
            "deb [signed-by=/etc/apt/keyrings/mos-archive-keyring.gpg]"
                + " http://mirror.example.org/mos/ubuntu mos10.0-updates main restricted\n"),
        printed);
    assertTrue(
        printed.contains("deb http://ubuntu.example.org/ubuntu noble-security main"), printed);
    assertTrue(printed.contains("Pin: release o=Example,n=mos10.0-updates\n"), printed);
    assertFalse(printed.contains(" mos10.0-proposed main"), printed);
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writesTheFilesIntoADirectoryAndNothingElse() throws IOException {
    Path dir = work.resolve("client");
    assertEquals(
        Main.OK,
        run(
            "client-config",
            "--release",
            "mos10.0",
            "--dist",
            "bookworm",
            "--url",
            "http://other.example.org/debian",
            "--with",
            "proposed",
            "--custom",
            "hotfix=http://other.example.org/hotfix,mos10.0-hotfix",
            "--out",
            dir.toString()),
        err());

    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of("mos.pref", "sources.list"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    String sources = Files.readString(dir.resolve("sources.list"));
    assertTrue(sources.contains(" http://other.example.org/debian mos10.0-proposed main"), sources);
    assertTrue(sources.contains(" http://other.example.org/hotfix mos10.0-hotfix main"), sources);
    String pins = Files.readString(dir.resolve("mos.pref"));
    assertTrue(pins.contains("Pin: release n=mos10.0-hotfix\nPin-Priority: 1200\n"), pins);
    assertTrue(
        out.toString(StandardCharsets.UTF_8)
            .contains("wrote " + dir.resolve("mos.pref") + ": install as /etc/apt/preferences.d/"),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void writesAYumRepoForAnRpmDist() throws IOException {
    Path dir = work.resolve("yum");
    assertEquals(
        Main.OK,
        run("client-config", "--release", "mos7.0", "--dist", "centos7", "--out", dir.toString()),
        err());

    String repo = Files.readString(dir.resolve("mos.repo"));
    assertTrue(
        repo.contains("baseurl=http://mirror.example.org/mos/centos-7/mos7.0/updates/$basearch\n"),
        repo);
  }

  @Test
  void badInputIsAnErrorThatNamesItAndWritesNothing() {
    Path dir = work.resolve("never");
    assertRefused("unknown suite 'proposd'", "--with", "proposd", "--out", dir.toString());
    assertRefused("--url: URL 'ftp://m/debian' is not usable", "--url", "ftp://m/debian");
    assertRefused(
        "custom repository name 'hotfix' is given twice",
        "--custom",
        "hotfix=http://a/debian,a1",
        "--custom",
        "hotfix=http://b/debian,b1",
        "--out",
        dir.toString());
    assertRefused("custom repository x: URL 'debian' is not usable", "--custom", "x=debian");
    assertRefused("dist bookworm packages deb: its clients use apt, not yum", "--format", "yum");
    assertRefused("--format 'rpm' is neither apt nor yum", "--format", "rpm");
    assertRefused("unknown dist 'hamm'", "--dist", "hamm");
    assertFalse(Files.exists(dir));
  }

  private void assertRefused(String message, String... args) {
    out.reset();
    err.reset();
    List<String> all = new java.util.ArrayList<>(List.of("client-config", "--release", "mos10.0"));
    all.addAll(List.of(args));
    assertEquals(Main.ERROR, run(all.toArray(String[]::new)), out.toString(StandardCharsets.UTF_8));
    assertTrue(err().contains(message), err());
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
