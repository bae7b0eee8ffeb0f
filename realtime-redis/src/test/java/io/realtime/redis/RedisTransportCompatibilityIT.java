package io.realtime.redis;

import io.realtime.tck.TransportCompatibilityKit;
import io.realtime.transport.Transport;
import java.util.UUID;

/** The transport contract against the machine's real Redis (127.0.0.1:6379). */
class RedisTransportCompatibilityIT extends TransportCompatibilityKit {

  @Override
  protected Transport createTransport() {
    return RedisTransport.create(
        RedisTransportConfig.builder()
            .uri("redis://127.0.0.1:6379")
            .keyPrefix("tck-" + UUID.randomUUID().toString().substring(0, 8))
            .historySize(historySize())
            .build());
  }

  @Override
  protected int historySize() {
    return 50;
  }
}
