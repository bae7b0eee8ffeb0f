package io.realtime.broadcast;

import io.realtime.message.Envelope;
import io.realtime.message.InvalidPayloadException;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Publishes messages to every client of a channel, on every instance: through the transport when it
 * works, to this instance's clients alone when it does not. Implementations are thread-safe.
 */
public interface Broadcaster extends AutoCloseable {

  /**
   * Starts listening to the transport. Failures here do not throw: the broadcaster retries, and
   * degrades if it must.
   */
  void start();

  /**
   * Validates a producer's payload as the original does (see {@link Envelope#fromPayload(Map)}) and
   * publishes it.
   *
   * @param payload the JSON object, as a map; without {@code type} it is an event's data
   * @return a stage completing with where the message went
   * @throws InvalidPayloadException naming the field and value; nothing is published
   */
  CompletionStage<PublishReceipt> publish(Map<String, ?> payload);

  /**
   * Publishes a message.
   *
   * @param message the message, without stream position
   * @return a stage completing with where the message went
   * @throws IllegalArgumentException if the message already has a stream position
   */
  CompletionStage<PublishReceipt> publish(Envelope message);

  /**
   * Returns the registry channel whose connections this broadcaster serves, for example {@code
   * events}.
   *
   * @return the channel
   */
  String clientChannel();

  /**
   * Tells whether the broadcaster is degraded: the transport is unavailable, local delivery goes on
   * and recovery is being retried.
   *
   * @return {@code true} while degraded
   */
  boolean isDegraded();

  /**
   * Tells whether the broadcaster follows the transport now: its subscription is confirmed, and for
   * a stream it has a position in it. {@link #start()} returns at once, before the backbone
   * answered; until then clients of other instances are not reached live, and an event published
   * here is delivered to this instance's clients and queued (its receipt is local-only). A host
   * that wants its readiness probe to say "ready" only once the instance is connected waits for
   * this.
   *
   * @return {@code true} while subscribed and following
   */
  boolean isLive();

  /** Stops listening and recovering. It closes neither the transport nor the registry. */
  @Override
  void close();
}
