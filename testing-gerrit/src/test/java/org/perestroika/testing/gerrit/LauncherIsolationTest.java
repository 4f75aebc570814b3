package org.perestroika.testing.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher must load in a JVM that has neither Gerrit nor JUnit 4 on its classpath. */
class LauncherIsolationTest {
  private static final List<Class<?>> LAUNCHER =
      List.of(
          GerritServer.class,
          GerritRest.class,
          GitCli.class,
          GitCli.Content.class,
          Json.class,
          PushedChange.class);

  @Test
  void launcherClassesReferenceOnlyTheJdk() throws IOException {
    for (Class<?> type : LAUNCHER) {
      // Class names in the constant pool are plain modified UTF-8: ASCII for these packages.
      String constants = new String(classBytes(type), StandardCharsets.ISO_8859_1);
      for (String foreign : List.of("com/google/", "org/junit/", "org/apache/", "org/eclipse/")) {
        assertFalse(constants.contains(foreign), type.getName() + " references " + foreign);
      }
    }
  }

  @Test
  void daemonMainNamesTheDaemonClass() {
    // The launcher names it as a string so as not to load it.
    assertEquals(GerritDaemon.class.getName(), GerritServer.DAEMON_MAIN);
  }

  @Test
  void daemonClasspathListsGerritAndThisModule() throws IOException {
    List<String> classpath = GerritServer.daemonClasspath();
    assertTrue(
        classpath.stream().anyMatch(e -> e.contains("gerrit-acceptance-framework")), "framework");
    assertTrue(classpath.stream().anyMatch(e -> e.contains("bcprov-jdk18on")), "bouncycastle");
    assertTrue(classpath.stream().anyMatch(e -> e.contains("junit-4")), "junit 4");
    for (String entry : classpath) {
      assertTrue(Path.of(entry).isAbsolute(), entry);
      assertTrue(Files.exists(Path.of(entry)), entry);
    }
  }

  private static byte[] classBytes(Class<?> type) throws IOException {
    String resource = type.getName().substring(type.getPackageName().length() + 1) + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
