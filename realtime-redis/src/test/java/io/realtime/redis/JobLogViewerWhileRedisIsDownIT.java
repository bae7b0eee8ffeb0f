package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.jobs.JobLogTail;
import io.realtime.test.RecordingConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a job-log viewer gets while Redis is down, as operations.md and protocol.md describe it: a
 * viewer attached before keeps its socket and gets the lines emitted on this instance, after a
 * degraded notice; a viewer that connects (or reconnects) during the outage gets nothing, neither
 * notice nor backlog nor the lines emitted meanwhile, and is closed with 1013 once its subscription
 * fails.
 */
class JobLogViewerWhileRedisIsDownIT extends PrivateRedisCase {

  private static final Duration CONFIRMATION_TIMEOUT = Duration.ofSeconds(3);

  @Test
  void aViewerOpenedWhileRedisIsDownGetsNothingAndIsClosedWith1013() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    closeables.add(() -> registry.shutdown(Duration.ofSeconds(1)));
    JobLogEmitter emitter =
        JobLogEmitter.builder(transport)
            .retryInterval(Duration.ofMillis(200))
            .confirmationTimeout(CONFIRMATION_TIMEOUT)
            .circuitBreaker(
                CircuitBreaker.builder(JobLogEmitter.SERVICE_NAME)
                    .failureThreshold(1)
                    .recoveryTimeout(Duration.ofSeconds(30))
                    .build())
            .build();
    closeables.add(emitter);
    emitter.emit("job-1", "info", "before", null).toCompletableFuture().join();

    RecordingConnection attached = new RecordingConnection("attached");
    RegisteredConnection attachedRegistered = registry.register("job:job-1", attached);
    closeables.add(JobLogTail.attach(emitter, "job-1", attachedRegistered));
    await().atMost(Duration.ofSeconds(10)).until(() -> attached.texts().size() == 1);

    server.kill();
    emitter.emit("job-1", "info", "during", null);
    await().atMost(Duration.ofSeconds(10)).until(emitter::isDegraded);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> attached.texts(t -> t.contains("\"message\":\"during\"")).size() == 1);
    assertThat(attached.texts(t -> t.contains("\"status\":\"degraded\""))).hasSize(1);

    RecordingConnection reconnected = new RecordingConnection("reconnected");
    RegisteredConnection reconnectedRegistered = registry.register("job:job-1", reconnected);
    closeables.add(JobLogTail.attach(emitter, "job-1", reconnectedRegistered));
    emitter.emit("job-1", "info", "while reconnecting", null);

    CloseReason closed = reconnected.awaitClose(CONFIRMATION_TIMEOUT.plusSeconds(2));
    assertThat(closed).isEqualTo(JobLogTail.BACKBONE_UNAVAILABLE);
    assertThat(closed.code()).isEqualTo(1013);
    assertThat(reconnected.texts()).as("no notice, no backlog, no local line").isEmpty();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                attached.texts(t -> t.contains("\"message\":\"while reconnecting\"")).size() == 1);
    assertThat(attached.closeReason()).as("the viewer attached before stays open").isNull();
  }
}
