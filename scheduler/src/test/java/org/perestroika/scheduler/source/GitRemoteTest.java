package org.perestroika.scheduler.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitRemoteTest {
  private static final URI GERRIT = URI.create("https://review.example.com/");

  @Test
  void authenticatedProjectsAreUnderSlashA() {
    assertEquals(
        "https://review.example.com/a/acme/openstack/nova",
        GitRemote.authenticated(GERRIT, "builder", "secret").projectUrl("acme/openstack/nova"));
  }

  @Test
  void anonymousProjectsAreAtTheBase() {
    assertEquals(
        "https://review.example.com/gerrit/acme/openstack/nova",
        GitRemote.anonymous(URI.create("https://review.example.com/gerrit//"))
            .projectUrl("acme/openstack/nova"));
    assertEquals(
        "file:///srv/git/acme/openstack/nova",
        GitRemote.anonymous(URI.create("file:///srv/git/")).projectUrl("acme/openstack/nova"));
  }

  @Test
  void thePasswordIsMaskedWhenPrinted() {
    String shown = GitRemote.authenticated(GERRIT, "builder", "s3cret").toString();

    assertFalse(shown.contains("s3cret"), shown);
    assertTrue(shown.contains("builder"), shown);
    assertTrue(shown.contains("****"), shown);
  }

  @Test
  void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GitRemote.anonymous(URI.create("https://builder:s3cret@review.example.com")));

    assertFalse(e.getMessage().contains("s3cret"), e::getMessage);
  }

  @Test
  void localRepositoriesTakeNoCredentials() {
    assertThrows(
        IllegalArgumentException.class,
        () -> GitRemote.authenticated(URI.create("file:///srv/git"), "builder", "secret"));
  }

  @Test
  void userAndPasswordGoTogether() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new GitRemote(GERRIT, Optional.of("builder"), Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GitRemote(GERRIT, Optional.empty(), Optional.of("secret")));
  }

  @Test
  void aNewlineCannotForgeACredentialAttribute() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GitRemote.authenticated(GERRIT, "builder", "x\nurl=https://elsewhere"));

    assertFalse(e.getMessage().contains("elsewhere"), e::getMessage);
  }

  @Test
  void onlyHttpAndFileSchemes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> GitRemote.anonymous(URI.create("ssh://review.example.com:29418")));
    assertThrows(IllegalArgumentException.class, () -> GitRemote.anonymous(URI.create("review")));
  }
}
