package org.perestroika.scheduler.gerrit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.gerrit.GerritEvent.PatchsetCreated;
import org.perestroika.scheduler.gerrit.WebhookRejectedException.Reason;

/** Webhook requests: the secret first, then the body. */
class WebhookReceiverTest {
  private static final String SECRET = "s3cret-webhook-token-0123";
  private final WebhookReceiver receiver = new WebhookReceiver(new Secret(SECRET));

  @Test
  void acceptsAnEventWithTheRightSecret() {
    GerritEvent event = receiver.accept(SECRET, body());

    PatchsetCreated created = assertInstanceOf(PatchsetCreated.class, event);
    assertEquals("12345,2", created.change().label());
    assertEquals(Instant.ofEpochSecond(1718010000), created.createdOn());
  }

  @Test
  void toleratesWhitespaceAroundTheHeaderValue() {
    assertInstanceOf(PatchsetCreated.class, receiver.accept(" " + SECRET + "\t", body()));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "s3cret-webhook-token-012",
        "s3cret-webhook-token-01234",
        "S3CRET-webhook-token-0123"
      })
  void rejectsAMissingOrWrongSecretWithoutReadingTheBody(String header) {
    WebhookRejectedException e =
        assertThrows(
            WebhookRejectedException.class,
            () -> receiver.accept(header, "not even json".getBytes(StandardCharsets.UTF_8)));

    assertEquals(Reason.UNAUTHORIZED, e.reason());
    assertEquals("missing or wrong X-Perestroika-Secret header", e.getMessage());
  }

  @Test
  void rejectsMalformedBodies() {
    assertMalformed(new byte[0], "request body is empty");
    assertMalformed(null, "request body is empty");
    assertMalformed(new byte[] {'{', (byte) 0xC3, '}'}, "request body is not UTF-8");
    assertMalformed(
        "{\"type\":\"patchset-created\",\"eventCreatedOn\":1}".getBytes(StandardCharsets.UTF_8),
        "patchset-created event: change missing");
    assertMalformed(
        "<html>".getBytes(StandardCharsets.UTF_8),
        "Gerrit event is not JSON (Unexpected character");
  }

  @Test
  void messagesNeverContainTheSecret() {
    WebhookRejectedException e =
        assertThrows(
            WebhookRejectedException.class, () -> receiver.accept(SECRET.substring(1), body()));

    assertFalse(e.getMessage().contains(SECRET.substring(1)));
  }

  @Test
  void refusesShortSecrets() {
    assertThrows(IllegalArgumentException.class, () -> new WebhookReceiver(new Secret("short")));
    assertThrows(
        IllegalArgumentException.class, () -> new WebhookReceiver(new Secret(" ".repeat(32))));
  }

  @Test
  void secretsHideThemselvesAndCompareByValue() {
    Secret secret = new Secret(SECRET);

    assertEquals("******", secret.toString());
    assertEquals(new Secret(SECRET), secret);
    assertEquals(new Secret(SECRET).hashCode(), secret.hashCode());
    assertTrue(secret.matches(SECRET));
    assertFalse(secret.matches(null));
    assertFalse(secret.equals(new Secret(SECRET + "x")));
  }

  private void assertMalformed(byte[] body, String messageStart) {
    WebhookRejectedException e =
        assertThrows(WebhookRejectedException.class, () -> receiver.accept(SECRET, body));

    assertEquals(Reason.MALFORMED, e.reason());
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
  }

  private static byte[] body() {
    try (InputStream in =
        WebhookReceiverTest.class.getResourceAsStream("/gerrit/webhook-patchset-created.json")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
