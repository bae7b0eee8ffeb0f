package io.realtime.protocol;

import static io.realtime.fuzz.CallBound.MAX_CALL_NANOS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.ClientMessage;
import io.realtime.message.Envelope;
import io.realtime.message.ErrorReply;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fuzzes a connection's protocol with arbitrary text frames: no frame escapes as an exception or
 * closes the connection (in particular never with 1011 Internal error), every frame but a pong gets
 * at least one reply, every reply is a message the codec reads back, and after any sequence of
 * frames the connection still answers a ping.
 *
 * <p>Delivery runs on the calling thread, so replies are there when {@link
 * ProtocolSession#onText(String)} returns; resyncs replay from a small history. An input is up to
 * 16 frames, one per line. Seeds: {@code
 * src/test/resources/io/realtime/protocol/ProtocolSessionFuzzTestInputs/textFrames/}; see
 * docs/fuzzing.md.
 */
class ProtocolSessionFuzzTest {

  /** The longest one frame may take; generous, for GC pauses on a loaded 2-core machine. */
  private static final int MAX_FRAMES = 16;

  private static final int MAX_MESSAGE_CHARS = 1_024;

  private static final MessageCodec CODEC = MessageCodec.json();
  private static final ManualTime TIME = new ManualTime();
  private static final ConnectionRegistry REGISTRY =
      ConnectionRegistry.builder()
          .deliveryExecutor(Runnable::run)
          .closeExecutor(Runnable::run)
          .build();
  private static final InMemoryTransport TRANSPORT = InMemoryTransport.create();
  private static final EventBroadcaster EVENTS =
      EventBroadcaster.builder(TRANSPORT, REGISTRY).timeSource(TIME).scheduler(TIME).build();
  private static final ClientProtocol PROTOCOL =
      ClientProtocol.builder(TIME)
          .timeSource(TIME)
          .resyncSource(EVENTS)
          .maxMessageChars(MAX_MESSAGE_CHARS)
          .build();
  private static final AtomicInteger CONNECTIONS = new AtomicInteger();

  static {
    EVENTS.start();
    RecordingConnection warmUp = new RecordingConnection("warm-up");
    ProtocolSession warmUpSession = PROTOCOL.open(REGISTRY.register("events", warmUp));
    for (int i = 1; i <= 3; i++) {
      EVENTS
          .publish(
              Envelope.event(
                  SecurityEvent.of(i, i, "b", "cam", 10 * i, RiskLevel.LOW, "event " + i, null)))
          .toCompletableFuture()
          .join();
    }
    // The live copies come on the transport's dispatcher thread: once they are all out, no input
    // meets one being written to its connection (a pong queued behind it would come late; seen in
    // CI on a loaded machine: the first input's closing ping got no pong in time).
    // Polled on this thread: another one could not run this class's code while it initialises.
    await()
        .pollInSameThread()
        .atMost(Duration.ofSeconds(30))
        .until(() -> warmUp.texts().size() == 3);
    warmUpSession.onText("ping");
  }

  @FuzzTest(maxDuration = "20s")
  void textFrames(FuzzedDataProvider data) {
    String input = data.consumeRemainingAsString();
    List<String> frames = input.lines().limit(MAX_FRAMES).toList();

    RecordingConnection client = new RecordingConnection("fuzz-" + CONNECTIONS.incrementAndGet());
    RegisteredConnection registered = REGISTRY.register("events", client);
    ProtocolSession session = PROTOCOL.open(registered);
    try {
      for (int n = 0; n < frames.size(); n++) {
        String frame = frames.get(n);
        int before = client.texts().size();
        long start = System.nanoTime();
        session.onText(frame);
        if (System.nanoTime() - start >= MAX_CALL_NANOS) {
          requireFastAgain(frames.subList(0, n), frame);
        }
        CloseReason closed = client.closeReason();
        assertThat(closed).as("close after frame %s", frame).isNull();
        assertThat(registered.isOpen()).isTrue();
        List<String> replies = client.texts().subList(before, client.texts().size());
        if (!isPong(frame)) {
          assertThat(replies).as("replies to frame %s", frame).isNotEmpty();
        }
        for (String reply : replies) {
          // A client can read every reply; an error reply says what went wrong.
          Object decoded = CODEC.decode(reply);
          if (decoded instanceof ErrorReply error) {
            assertThat(error.message()).as(reply).isNotBlank();
          }
        }
      }
      int before = client.texts().size();
      session.onText("ping");
      assertThat(client.texts().subList(before, client.texts().size()))
          .containsExactly("{\"type\":\"pong\"}");
    } finally {
      registered.close(CloseReason.SERVER_SHUTDOWN);
      REGISTRY.unregister(registered.id());
    }
  }

  /**
   * Times a slow frame again on a new connection that first gets the frames before it: the first
   * run of a code path pays for class loading and Jazzer's instrumentation, and any run may meet a
   * GC pause, but a frame that is slow in itself is slow again.
   */
  private static void requireFastAgain(List<String> earlier, String frame) {
    RecordingConnection client = new RecordingConnection("fuzz-" + CONNECTIONS.incrementAndGet());
    RegisteredConnection registered = REGISTRY.register("events", client);
    try {
      ProtocolSession session = PROTOCOL.open(registered);
      earlier.forEach(session::onText);
      long start = System.nanoTime();
      session.onText(frame);
      long elapsed = System.nanoTime() - start;
      assertThat(elapsed)
          .as("frame %s took %d ms", frame, elapsed / 1_000_000)
          .isLessThan(MAX_CALL_NANOS);
    } finally {
      registered.close(CloseReason.SERVER_SHUTDOWN);
      REGISTRY.unregister(registered.id());
    }
  }

  /** A frame that is a JSON pong: the one frame that gets no reply. */
  private static boolean isPong(String frame) {
    if (frame.length() > MAX_MESSAGE_CHARS) {
      return false;
    }
    try {
      ClientMessage message = CODEC.decodeClient(frame);
      return message.normalizedType().equals("pong");
    } catch (MessageFormatException invalid) {
      return false;
    }
  }
}
