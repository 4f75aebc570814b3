package org.perestroika.scheduler.http;

import java.util.List;
import java.util.Map;

/** Receives Gerrit's webhook deliveries, free of any HTTP server's types. */
@FunctionalInterface
public interface GerritWebhook {

  /**
   * Checks and handles one delivery. Must return quickly: the work it starts runs elsewhere.
   *
   * @param headers the request headers; names are looked up case-insensitively
   * @param body the request body as sent
   */
  WebhookOutcome receive(Map<String, List<String>> headers, byte[] body);
}
