package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import java.util.Objects;

/**
 * What both broadcasters are configured with alike: where messages travel, who gets them, and how
 * the transport is guarded and retried. Each broadcaster's own settings hold it beside what
 * differs.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 *
 * @param transport the backbone
 * @param registry the local connections
 * @param clientChannel the registry channel the broadcaster's clients are on
 * @param breaker the breaker guarding the transport
 * @param timeSource the clocks
 * @param scheduler the host's scheduler, or {@code null} for an owned one
 * @param recovery the retry policy
 */
public record ChannelSettings(
    Transport transport,
    ConnectionRegistry registry,
    String clientChannel,
    CircuitBreaker breaker,
    TimeSource timeSource,
    TaskScheduler scheduler,
    RecoveryPolicy recovery) {

  /**
   * Checks that every required setting is present.
   *
   * @param transport the backbone
   * @param registry the local connections
   * @param clientChannel the registry channel the broadcaster's clients are on
   * @param breaker the breaker guarding the transport
   * @param timeSource the clocks
   * @param scheduler the host's scheduler, or {@code null} for an owned one
   * @param recovery the retry policy
   */
  public ChannelSettings {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(clientChannel, "clientChannel");
    Objects.requireNonNull(breaker, "breaker");
    Objects.requireNonNull(timeSource, "timeSource");
    Objects.requireNonNull(recovery, "recovery");
  }
}
