package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.transport.InMemoryTransport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RealtimeWebSocket#acceptsCredentials}: the endpoints' own check, for a host's HTTP. */
class RealtimeWebSocketCredentialsTest {

  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final JobLogEmitter jobs = JobLogEmitter.builder(InMemoryTransport.create()).build();

  @AfterEach
  void close() {
    jobs.close();
  }

  private RealtimeWebSocket.Builder endpoints() {
    return RealtimeWebSocket.builder(registry).jobLogs(jobs);
  }

  @Test
  void withNothingConfiguredEverythingPasses() {
    try (RealtimeWebSocket open = endpoints().build()) {
      assertThat(open.acceptsCredentials(null, null)).isTrue();
      assertThat(open.acceptsCredentials("any", "thing")).isTrue();
    }
  }

  @Test
  void eachConfiguredSecretMustBePresented() {
    try (RealtimeWebSocket guarded = endpoints().apiKeys(List.of("k1", "k2")).token("t").build()) {
      assertThat(guarded.acceptsCredentials("k2", "t")).isTrue();
      assertThat(guarded.acceptsCredentials("k2", null)).isFalse();
      assertThat(guarded.acceptsCredentials(null, "t")).isFalse();
      assertThat(guarded.acceptsCredentials("k3", "t")).isFalse();
      assertThat(guarded.acceptsCredentials("k1", "t2")).isFalse();
    }
    try (RealtimeWebSocket keysOnly = endpoints().apiKeys(List.of("k1")).build()) {
      assertThat(keysOnly.acceptsCredentials("k1", null)).isTrue();
      assertThat(keysOnly.acceptsCredentials("", null)).isFalse();
    }
  }
}
