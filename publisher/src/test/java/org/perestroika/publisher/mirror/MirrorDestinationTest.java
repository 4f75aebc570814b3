package org.perestroika.publisher.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MirrorDestinationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rsync://mirror.example.org/mos | DAEMON | rsync://mirror.example.org/mos",
        "rsync://mirror.example.org:8873/mos/ | DAEMON | rsync://mirror.example.org:8873/mos",
        "rsync://127.0.0.1:873/mos//repos/mos10.0/ | DAEMON | rsync://127.0.0.1:873/mos/repos/mos10.0",
        "rsync://[::1]:873/mos | DAEMON | rsync://[::1]:873/mos",
        "mirror.example.org:/srv/mirror/ | SHELL | mirror.example.org:/srv/mirror",
        "deploy@mirror-2:/srv/mirror | SHELL | deploy@mirror-2:/srv/mirror",
        "/srv/mirror/ | LOCAL | /srv/mirror",
        "/srv/./mirror/../mirror | LOCAL | /srv/mirror",
      })
  void acceptsTheThreeForms(String text, MirrorDestination.Kind kind, String base) {
    assertEquals(new MirrorDestination(kind, base), MirrorDestination.parse(text));
  }

  @Test
  void aRelativeLocalPathIsMadeAbsolute() {
    assertEquals(
        Path.of("mirror").toAbsolutePath().toString(), MirrorDestination.parse("mirror").base());
    assertEquals(
        Path.of("a:b").toAbsolutePath().toString(), MirrorDestination.parse("./a:b").base());
  }

  @Test
  void resolvesPathsUnderTheRoot() {
    MirrorDestination mirror = MirrorDestination.parse("rsync://m/mos/");
    assertEquals("rsync://m/mos/", mirror.resolve(""));
    assertEquals("rsync://m/mos/.snapshots/", mirror.resolve(".snapshots/"));
    assertEquals("rsync://m/mos", mirror.toString());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | it is empty",
        "rsync://mirror | rsync://host[:port]/module[/path]",
        "rsync://mirror/ | rsync://host[:port]/module[/path]",
        "rsync://mirror:99999/mos | port 99999 is not between 1 and 65535",
        "rsync://mirror/mos/../etc | path segment '..' is not a plain name",
        "mirror::mos | not host::module",
        "ssh://mirror/srv | only rsync:// is understood as a URL",
        "http://mirror/mos | only rsync:// is understood as a URL",
        "mirror:srv/mirror | give an absolute path after the colon",
        "mirror:/ | the file system root cannot be a mirror",
        "bad host:/srv | it contains white space",
        "/ | the file system root cannot be a mirror",
      })
  void refusesAnythingElseSayingWhy(String text, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MirrorDestination.parse(text));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("Use rsync://host[:port]/module[/path] (rsync daemon)"),
        e.getMessage());
  }
}
