package io.realtime.redis;

import io.realtime.tck.TransportCompatibilityKit;
import io.realtime.transport.Transport;
import java.util.UUID;

/** The transport contract against the machine's real Redis (127.0.0.1:6379). */
class RedisTransportCompatibilityIT extends TransportCompatibilityKit {

  /** Each test's transport writes under a prefix of its own: its keys are the test's alone. */
  private final String keyPrefix = "tck-" + UUID.randomUUID().toString().substring(0, 8);

  @Override
  protected Transport createTransport() {
    return RedisTransport.create(
        RedisTransportConfig.builder()
            .uri("redis://127.0.0.1:6379")
            .keyPrefix(keyPrefix)
            .historySize(historySize())
            .build());
  }

  @Override
  protected int historySize() {
    return 50;
  }

  @Override
  protected long storedState() {
    return RedisKeys.underPrefix(6379, keyPrefix);
  }
}
