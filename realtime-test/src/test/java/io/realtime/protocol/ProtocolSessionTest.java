package io.realtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.ClientMessage;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The original's receive loop (§1.4–1.5), frame by frame, with a manual clock. */
class ProtocolSessionTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ManualTime time = new ManualTime();
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final InMemoryTransport transport = InMemoryTransport.create();
  private final RecordingConnection client = new RecordingConnection("ws-events-1");
  private EventBroadcaster events;
  private RegisteredConnection registered;
  private ProtocolSession session;

  @BeforeEach
  void open() {
    events = EventBroadcaster.builder(transport, registry).timeSource(time).scheduler(time).build();
    events.start();
    registered = registry.register("events", client);
    session =
        ClientProtocol.builder(time).timeSource(time).resyncSource(events).build().open(registered);
  }

  @AfterEach
  void close() {
    events.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    transport.close();
  }

  /** Sends a frame and returns the first text the client receives after it. */
  private String reply(String text) {
    int before = client.texts().size();
    session.onText(text);
    await().atMost(WAIT).until(() -> client.texts().size() > before);
    return client.texts().get(before);
  }

  /** Asserts that a frame causes no reply: the next reply is the marker's. */
  private void assertNoReply(String text) {
    session.onText(text);
    assertThat(reply("{\"type\":\"marker\"}")).contains("Unknown message type: marker");
  }

  @Test
  void pingsGetPongsRawOrJsonInAnyCase() {
    assertThat(reply("ping")).isEqualTo("{\"type\":\"pong\"}");
    assertThat(reply("{\"type\":\"PING\"}")).isEqualTo("{\"type\":\"pong\"}");
    assertThat(reply("{\"type\":\"ping\",\"extra\":true}")).isEqualTo("{\"type\":\"pong\"}");
    assertNoReply("{\"type\":\"pong\"}");
    assertThat(reply("Ping")).contains("\"error\":\"invalid_json\"");
  }

  @Test
  void malformedMessagesGetTheOneErrorEnvelope() {
    assertThat(reply("{oops"))
        .startsWith("{\"type\":\"error\",\"error\":\"invalid_json\",\"message\":")
        .contains("\"details\":{\"raw_data_preview\":\"{oops\"}");
    assertThat(reply("{\"data\":{}}"))
        .contains("\"error\":\"invalid_message_format\"")
        .contains("validation_errors");
    assertThat(reply("{\"type\":\"\"}")).contains("\"error\":\"invalid_message_format\"");
    assertThat(reply("{\"type\":\"" + "x".repeat(51) + "\"}"))
        .contains("\"error\":\"invalid_message_format\"");
    assertThat(reply("{\"type\":\"subscribe\",\"data\":[1]}"))
        .contains("\"error\":\"invalid_message_format\"");
    assertThat(reply("[1,2]")).contains("\"error\":\"invalid_message_format\"");
    assertThat(reply("{\"type\":\"Hello\"}"))
        .isEqualTo(
            "{\"type\":\"error\",\"error\":\"unknown_message_type\",\"message\":\"Unknown message type: hello\","
                + "\"details\":{\"supported_types\":[\"ping\",\"pong\",\"subscribe\",\"unsubscribe\",\"resync\"]}}");
    assertThat(registered.isOpen()).isTrue();
  }

  @Test
  void subscribeAndUnsubscribeAreAcknowledgedAndApplied() {
    assertThat(reply("{\"type\":\"subscribe\",\"data\":{\"events\":[\"ALERT.*\",\"event\"]}}"))
        .isEqualTo("{\"action\":\"subscribed\",\"events\":[\"alert.*\",\"event\"]}");
    assertThat(registered.subscriptions().matches("alert.created")).isTrue();
    assertThat(registered.subscriptions().matches("camera.offline")).isFalse();
    assertThat(reply("{\"type\":\"unsubscribe\",\"data\":{\"events\":[\"event\",\"nope\"]}}"))
        .isEqualTo("{\"action\":\"unsubscribed\",\"events\":[\"event\"]}");
    assertThat(reply("{\"type\":\"subscribe\",\"data\":{\"channels\":[\"camera.*\"]}}"))
        .isEqualTo("{\"action\":\"subscribed\",\"events\":[\"camera.*\"]}");
    assertThat(reply("{\"type\":\"unsubscribe\",\"data\":null}"))
        .isEqualTo("{\"action\":\"unsubscribed\",\"events\":[\"alert.*\",\"camera.*\"]}");
    assertThat(registered.subscriptions().isExplicit()).isFalse();
  }

  @Test
  void aBlankTypeGetsAnErrorAndTheConnectionStays() {
    assertThat(reply("{\"type\":\"   \"}"))
        .contains("\"error\":\"invalid_message_format\"")
        .contains("not blank");
    assertThat(reply("{\"type\":\"\\t\"}")).contains("\"error\":\"invalid_message_format\"");
    assertThat(registered.isOpen()).isTrue();
    assertThat(client.closeReason()).isNull();
  }

  @Test
  void subscriptionLimitsAreValidationErrorsNamingTheLimitAndTheConnectionStays() {
    StringBuilder many = new StringBuilder("{\"type\":\"subscribe\",\"data\":{\"events\":[");
    for (int i = 0; i < 5_000; i++) {
      many.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
    }
    many.append("]}}");

    assertThat(reply(many.toString()))
        .contains("\"error\":\"validation_error\"")
        .contains("max_patterns_per_request");
    for (int batch = 0; batch < 2; batch++) {
      StringBuilder half = new StringBuilder("{\"type\":\"subscribe\",\"data\":{\"events\":[");
      for (int i = 0; i < 40; i++) {
        half.append(i == 0 ? "" : ",")
            .append("\"b")
            .append(batch)
            .append('.')
            .append(i)
            .append('"');
      }
      String answer = reply(half.append("]}}").toString());
      if (batch == 0) {
        assertThat(answer).startsWith("{\"action\":\"subscribed\"");
      } else {
        assertThat(answer).contains("\"error\":\"validation_error\"").contains("max_patterns");
      }
    }
    assertThat(registered.subscriptions().patterns()).hasSize(40);
    assertThat(
            reply("{\"type\":\"subscribe\",\"data\":{\"events\":[\"" + "y".repeat(101) + "\"]}}"))
        .contains("max_pattern_length");
    assertThat(registered.isOpen()).isTrue();
  }

  @Test
  void aReversedRangeIsAcceptedAndNoEngineInternalsReachTheClient() {
    assertThat(reply("{\"type\":\"subscribe\",\"data\":{\"events\":[\"[z-a]\"]}}"))
        .isEqualTo("{\"action\":\"subscribed\",\"events\":[\"[z-a]\"]}");
  }

  @Test
  void aResyncFloodIsRateLimitedPerConnection() {
    String resync = "{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":0}}";
    for (int i = 0; i < 1_000; i++) {
      session.onText(resync);
    }

    await().atMost(WAIT).until(() -> client.texts().size() == 1_000);
    long acks =
        client.texts().stream().filter(t -> t.startsWith("{\"type\":\"resync_ack\"")).count();
    assertThat(acks).isEqualTo(ResyncLimit.DEFAULT.maxRequests());
    assertThat(client.texts().get(999))
        .contains("\"error\":\"rate_limited\"")
        .contains("Too many resync requests: at most 5 per 10 s (resync_limit)")
        .contains("\"request\":\"resync\"")
        .contains("\"retry_after_ms\":10000");
    assertThat(registered.isOpen()).isTrue();

    time.advance(Duration.ofSeconds(4));
    assertThat(reply(resync))
        .as("the client is told when the oldest request leaves the window")
        .contains("\"retry_after_ms\":6000");
    time.advance(Duration.ofSeconds(6));
    assertThat(reply(resync)).startsWith("{\"type\":\"resync_ack\"");
  }

  @Test
  void resyncsArrivingWhileOneRunsAreCoalescedIntoOne() {
    java.util.List<Runnable> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProtocolSession queuing =
        ClientProtocol.builder(time)
            .timeSource(time)
            .resyncSource(events)
            .resyncExecutor(queued::add)
            .resyncLimit(new ResyncLimit(1_000, Duration.ofSeconds(10)))
            .build()
            .open(registered);
    for (int i = 0; i < 100; i++) {
      queuing.onText(
          "{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":" + i + "}}");
    }

    assertThat(queued).as("one replay runs at a time per connection").hasSize(1);
    queued.get(0).run();

    await().atMost(WAIT).until(() -> client.texts().size() >= 2);
    assertThat(client.texts())
        .as("the first request, then only the newest of those that waited")
        .hasSize(2)
        .allMatch(t -> t.startsWith("{\"type\":\"resync_ack\""));
    assertThat(client.texts().get(0)).contains("\"last_sequence\":0,");
    assertThat(client.texts().get(1)).contains("\"last_sequence\":99,");
    queuing.close();
  }

  @Test
  void aSubscribeWithoutEventsIsAValidationErrorWithAnExample() {
    assertThat(reply("{\"type\":\"subscribe\",\"data\":{}}"))
        .startsWith(
            "{\"type\":\"error\",\"error\":\"validation_error\",\"message\":\"Subscribe message must include"
                + " 'events' array\",\"details\":{\"example\":")
        .contains("\"events\":[\"alert.*\"]");
    assertThat(registered.subscriptions().isExplicit()).isFalse();
  }

  @Test
  void resyncReplaysThroughTheEventBroadcaster() {
    for (int n = 1; n <= 3; n++) {
      events
          .publish(Envelope.event(SecurityEvent.of(n, n, "b", "c", 10, RiskLevel.LOW, "s", null)))
          .toCompletableFuture()
          .join();
    }
    await().atMost(WAIT).until(() -> client.texts().size() == 3);

    String ack =
        reply("{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":1}}");

    assertThat(ack)
        .as("all three were already given to this connection")
        .startsWith(
            "{\"type\":\"resync_ack\",\"channel\":\"events\",\"last_sequence\":1,\"replayed_count\":0");
    assertThat(reply("{\"type\":\"resync\",\"data\":{\"last_sequence\":\"x\"}}"))
        .contains("\"error\":\"validation_error\"")
        .contains("last_sequence");
  }

  @Test
  void aMessageOverTheLimitIsRefusedAndTheConnectionKept() {
    String padding = "x".repeat(65_536 - "{\"type\":\"ping\",\"pad\":\"\"}".length());
    String exactlyAtLimit = "{\"type\":\"ping\",\"pad\":\"" + padding + "\"}";
    assertThat(exactlyAtLimit).hasSize(65_536);

    assertThat(reply(exactlyAtLimit)).isEqualTo("{\"type\":\"pong\"}");
    assertThat(reply(exactlyAtLimit + " "))
        .contains("\"error\":\"validation_error\"")
        .contains("Message too large (65537 characters, max 65536)");
    assertThat(registered.isOpen()).isTrue();
  }

  @Test
  void aBinaryFrameGetsAnError() {
    session.onBinary();

    await().atMost(WAIT).until(() -> client.texts().size() == 1);
    assertThat(client.texts().get(0))
        .contains("\"error\":\"invalid_message_format\"")
        .contains("Binary frames");
  }

  @Test
  void heartbeatsCarryTheLastSeqReceived() {
    time.advance(Duration.ofSeconds(30));
    await().atMost(WAIT).until(() -> client.texts().size() == 1);
    assertThat(client.texts().get(0)).isEqualTo("{\"type\":\"ping\",\"lastSeq\":0}");

    events
        .publish(Envelope.event(SecurityEvent.of(1, 1, "b", "c", 10, RiskLevel.LOW, "s", null)))
        .toCompletableFuture()
        .join();
    await().atMost(WAIT).until(() -> client.texts().size() == 2);
    time.advance(Duration.ofSeconds(30));

    await().atMost(WAIT).until(() -> client.texts().size() == 3);
    assertThat(client.texts().get(2)).isEqualTo("{\"type\":\"ping\",\"lastSeq\":1}");
  }

  @Test
  void onlyClientFramesResetTheIdleTimeout() {
    time.advance(Duration.ofSeconds(299));
    session.onText("{\"type\":\"pong\"}");
    time.advance(Duration.ofSeconds(299));
    assertThat(client.closeReason()).as("server heartbeats do not count, the pong did").isNull();

    time.advance(Duration.ofSeconds(1));

    assertThat(client.awaitClose(WAIT)).isEqualTo(new CloseReason(1000, "Idle timeout"));
  }

  @Test
  void anInternalErrorClosesWith1011AndTimersStop() {
    ClientProtocol brokenProtocol =
        ClientProtocol.builder(time)
            .timeSource(time)
            .codec(
                new MessageCodec() {
                  @Override
                  public String encode(Message message) {
                    return MessageCodec.json().encode(message);
                  }

                  @Override
                  public Message decode(String text) {
                    throw new IllegalStateException("decoder bug");
                  }

                  @Override
                  public ClientMessage decodeClient(String text) {
                    throw new IllegalStateException("decoder bug (expected by the test)");
                  }
                })
            .build();
    ProtocolSession broken = brokenProtocol.open(registered);

    broken.onText("{\"type\":\"ping\"}");

    assertThat(client.awaitClose(WAIT)).isEqualTo(new CloseReason(1011, "Internal error"));
    await().atMost(WAIT).until(() -> brokenProtocol.ticker().size() == 0);
    // The open session's walk, and the broken protocol's next one, which finds nobody and stops.
    await().atMost(WAIT).until(() -> time.pendingTasks() <= 2);
  }
}
