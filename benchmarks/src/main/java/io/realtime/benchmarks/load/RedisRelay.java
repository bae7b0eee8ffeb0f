package io.realtime.benchmarks.load;

import java.net.URI;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * The plain cross-instance path of the baseline systems ({@code bare} and {@code limit}): every
 * frame is published as it is on one Redis channel, and every instance subscribed to it broadcasts
 * what arrives to its own clients. No sequence numbers, no replay, no re-encoding.
 */
final class RedisRelay {

  private RedisRelay() {}

  /**
   * Subscribes to {@code channel} on a daemon thread, handing every frame that arrives to {@code
   * receiver}, and returns what publishes a frame on the channel.
   *
   * @param redis the Redis URI
   * @param channel the channel of this run
   * @param receiver called on the subscriber thread with each frame, in order
   * @return publishes one frame; safe to call from any thread
   */
  static Consumer<String> start(String redis, String channel, Consumer<String> receiver) {
    URI uri = URI.create(redis);
    Jedis commands = new Jedis(uri.getHost(), uri.getPort());
    Thread subscriber =
        new Thread(
            () -> {
              try (Jedis subscription = new Jedis(uri.getHost(), uri.getPort())) {
                subscription.subscribe(
                    new JedisPubSub() {
                      @Override
                      public void onMessage(String from, String message) {
                        receiver.accept(message);
                      }
                    },
                    channel);
              }
            },
            "redis-relay-subscriber");
    subscriber.setDaemon(true);
    subscriber.start();
    return frame -> {
      synchronized (commands) {
        commands.publish(channel, frame);
      }
    };
  }
}
