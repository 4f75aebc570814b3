package org.perestroika.scheduler.http;

import java.util.Objects;

/** What a webhook delivery came to; each answers with its own HTTP status. */
public sealed interface WebhookOutcome {

  /** Taken (acted on or deliberately ignored): 202. */
  record Accepted() implements WebhookOutcome {}

  /**
   * No webhook secret is configured, so the webhook takes nothing: 404 saying how to turn it on.
   */
  record Disabled() implements WebhookOutcome {}

  /** The delivery did not carry the shared secret: 401. */
  record BadSecret() implements WebhookOutcome {}

  /** The delivery could not be understood: 400 with the reason. */
  record Malformed(String reason) implements WebhookOutcome {
    public Malformed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
