package io.realtime.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * Tests against private Redis servers (which they may kill, pause or restart) and transports on
 * them with short timeouts; everything a test opened is closed after it, last opened first.
 */
abstract class PrivateRedisCase {

  /** The command and connect timeouts of the transports. */
  static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

  /** What the test opened, closed after it in reverse order. */
  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  RedisServer server() throws Exception {
    RedisServer server = RedisServer.start();
    closeables.add(server);
    return server;
  }

  RedisTransport transport(int port, UnaryOperator<RedisTransportConfig.Builder> configure) {
    RedisTransport transport =
        RedisTransport.create(
            configure
                .apply(
                    RedisTransportConfig.builder()
                        .uri("redis://127.0.0.1:" + port)
                        .commandTimeout(COMMAND_TIMEOUT)
                        .connectTimeout(COMMAND_TIMEOUT)
                        .ping(Duration.ofMillis(200), Duration.ofMillis(1000)))
                .build());
    closeables.add(transport);
    return transport;
  }

  RedisTransport transport(int port) {
    return transport(port, builder -> builder);
  }

  static Throwable failureOf(CompletableFuture<?> future) {
    return future
        .handle((ignored, error) -> error instanceof CompletionException c ? c.getCause() : error)
        .join();
  }
}
