package org.perestroika.testing.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small text handling the harness does instead of using a JSON library. */
class GerritRestTest {
  @Test
  void encodesSlashesInProjectAndBranchNames() {
    assertEquals("acme%2Fopenstack%2Fnova", GerritRest.encode("acme/openstack/nova"));
    assertEquals(
        "acme%2Fnova~openstack-ci%2Ffuel-10.0%2F2024.1~I0123",
        GerritRest.triplet("acme/nova", "openstack-ci/fuel-10.0/2024.1", "I0123"));
    assertEquals("a%20b", GerritRest.encode("a b"));
  }

  @Test
  void stripsTheXssiPrefix() {
    assertEquals("{\"a\":1}\n", GerritRest.stripPrefix(")]}'\n{\"a\":1}\n"));
    assertEquals("{}", GerritRest.stripPrefix("{}"));
  }

  @Test
  void escapesJsonStrings() {
    assertEquals("\"say \\\"hi\\\"\\n\\\\ \\u0001\"", Json.string("say \"hi\"\n\\ \u0001"));
  }

  @Test
  void findsTheFirstScalar() {
    String change =
        "{\"id\":\"p~b~I1\",\"_number\":42,\"revisions\":{\"abc\":{\"_number\":3,"
            + "\"ref\":\"refs/changes/42/42/3\"}}}";
    assertEquals(Optional.of("42"), Json.firstScalar(change, "_number"));
    assertEquals(Optional.of("refs/changes/42/42/3"), Json.firstScalar(change, "ref"));
    assertEquals(Optional.empty(), Json.firstScalar(change, "missing"));
  }

  @Test
  void topicsMustStayOnePushOption() {
    assertEquals("refs/for/master", GitCli.forReview("master", null));
    assertEquals("refs/for/master%topic=fuel", GitCli.forReview("master", "fuel"));
    assertThrows(IllegalArgumentException.class, () -> GitCli.forReview("master", "a,b"));
  }

  @Test
  void changeIdsLookLikeTheHooks() {
    assertEquals(41, GitCli.newChangeId().length());
    assertEquals('I', GitCli.newChangeId().charAt(0));
  }
}
