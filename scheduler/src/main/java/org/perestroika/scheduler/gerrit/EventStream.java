package org.perestroika.scheduler.gerrit;

import java.util.function.Consumer;
import org.perestroika.core.gerrit.GerritEvent;

/**
 * A live feed of one Gerrit server's events that keeps itself connected. Events that happen while
 * it is disconnected are not replayed: {@code onConnected} tells the caller when to catch up
 * through {@link GerritRest#changesUpdatedSince}.
 */
public interface EventStream extends AutoCloseable {

  /**
   * Starts connecting in the background and returns at once. From then on, until {@link #close()}:
   *
   * <ul>
   *   <li>each event is handed to {@code events} in the order the server sent it, all on one
   *       thread, one at a time; an event the stream cannot parse is logged and skipped, and an
   *       exception thrown by {@code events} is logged and the stream goes on with the next event;
   *   <li>{@code onConnected} runs on that same thread after every successful (re)connection,
   *       before the first event read on it, and again whenever the server reports that it dropped
   *       events for this stream ({@code dropped-output}); events arriving meanwhile wait in the
   *       connection, so a long catch-up should be handed to another thread;
   *   <li>a lost connection, including one that silently stopped carrying traffic, is noticed and
   *       reconnected with a growing delay between failed attempts.
   * </ul>
   *
   * @throws IllegalStateException when already started or closed
   * @throws org.perestroika.core.EnvironmentException when the configuration cannot work at all,
   *     e.g. the private key is unreadable; such errors are not retried
   */
  void start(Consumer<GerritEvent> events, Runnable onConnected);

  /** The connection's current state; cheap, callable from any thread. */
  ConnectionState state();

  /**
   * Stops the stream and disconnects, within about a second unless a callback is still running. No
   * callback starts after this returns. Idempotent.
   */
  @Override
  void close();
}
