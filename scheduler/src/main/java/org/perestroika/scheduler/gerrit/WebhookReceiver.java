package org.perestroika.scheduler.gerrit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.perestroika.core.gerrit.GerritEvent;
import org.perestroika.core.gerrit.GerritEvents;
import org.perestroika.core.gerrit.MalformedEventException;
import org.perestroika.scheduler.gerrit.WebhookRejectedException.Reason;

/**
 * Turns a Gerrit webhook request (the webhooks plugin posts the same JSON as {@code gerrit
 * stream-events}) into an event, once the request proved it knows the shared secret.
 *
 * <p>The secret travels in the {@value #SECRET_HEADER} header, verbatim. Gerrit's webhooks plugin
 * posts events unsigned, so whatever delivers them adds the header: the plugin where its version
 * can set extra headers, or the reverse proxy in front of the scheduler. The secret is sent in the
 * clear, so the connection must be HTTPS.
 */
public final class WebhookReceiver {
  /** The header that carries the shared secret. */
  public static final String SECRET_HEADER = "X-Perestroika-Secret";

  private static final int MIN_SECRET_LENGTH = 16;

  private final Secret secret;

  /**
   * @param secret the shared secret; at least 16 characters, so that it cannot be guessed
   */
  public WebhookReceiver(Secret secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.reveal().strip().length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "webhook secret must be at least " + MIN_SECRET_LENGTH + " characters");
    }
    this.secret = secret;
  }

  /**
   * Checks the secret, then parses the body.
   *
   * @param headerSecret the value of the {@value #SECRET_HEADER} header, or null when absent
   * @param body the request body: one JSON event in UTF-8
   * @throws WebhookRejectedException {@link Reason#UNAUTHORIZED} when the secret is missing or
   *     wrong (checked first, so that nothing about the body is revealed to a stranger), {@link
   *     Reason#MALFORMED} when the body is not a Gerrit event
   */
  public GerritEvent accept(String headerSecret, byte[] body) {
    // Compared in constant time, so that response times do not reveal how much of a guess was
    // right.
    if (headerSecret == null || !secret.matches(headerSecret.strip())) {
      throw new WebhookRejectedException(
          Reason.UNAUTHORIZED, "missing or wrong " + SECRET_HEADER + " header", null);
    }
    if (body == null || body.length == 0) {
      throw new WebhookRejectedException(Reason.MALFORMED, "request body is empty", null);
    }
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw new WebhookRejectedException(Reason.MALFORMED, "request body is not UTF-8", e);
    }
    try {
      return GerritEvents.parse(json);
    } catch (MalformedEventException e) {
      throw new WebhookRejectedException(Reason.MALFORMED, e.getMessage(), e);
    }
  }
}
