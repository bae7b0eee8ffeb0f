package io.realtime.jobs;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageTypes;
import io.realtime.message.payload.LogEntry;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** What the job-log tests share: an in-memory backbone, an emitter on it, a registry. */
abstract class JobLogTestBase {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final MessageCodec CODEC = MessageCodec.json();

  final ManualTime time = new ManualTime();
  final InMemoryTransport transport = InMemoryTransport.create();
  final JobLogEmitter emitter = new JobLogEmitter(transport, CODEC, time);
  final ConnectionRegistry registry = ConnectionRegistry.builder().build();

  @AfterEach
  void tearDown() {
    registry.shutdown(Duration.ofMillis(200)).join();
    emitter.close();
    transport.close();
  }

  /** What a viewer saw: log lines as {@code message@seq}, notices as {@code [status]}. */
  static List<String> view(RecordingConnection client) {
    return received(client).stream()
        .map(
            e ->
                MessageTypes.SERVICE_STATUS.equals(e.type())
                    ? "[" + e.dataAs(ServiceStatus.class).status() + "]"
                    : e.dataAs(LogEntry.class).message() + "@" + e.seq())
        .toList();
  }

  /** The messages of a job's lines in its stream history, in order. */
  static List<String> history(Transport backbone, String jobId) {
    return backbone.since(JobIds.logChannel(jobId), 0).messages().stream()
        .map(m -> ((Envelope) CODEC.decode(m.payload())).dataAs(LogEntry.class).message())
        .toList();
  }

  /** What a viewer was sent, decoded. */
  static List<Envelope> received(RecordingConnection client) {
    return client.texts().stream().map(CODEC::decode).map(Envelope.class::cast).toList();
  }
}
