package io.realtime.broadcast;

import static io.realtime.broadcast.EventBroadcasterTest.WAIT;
import static io.realtime.broadcast.EventBroadcasterTest.event;
import static io.realtime.broadcast.EventBroadcasterTest.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.test.CountingCodec;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream message from another instance reaches the clients as the text its publisher encoded,
 * with the position spliced in: neither the live path nor a replay decodes and encodes it again.
 */
class CrossInstanceSpliceTest {

  private static final MessageCodec CODEC = MessageCodec.json();
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Closeables closeables = new Closeables();
  private final ManualTime time = new ManualTime();
  private final CountingCodec counting = new CountingCodec(MessageCodec.json());
  private InMemoryTransport transport;
  private EventBroadcaster publisher;
  private ConnectionRegistry receiving;
  private EventBroadcaster receiver;

  @BeforeEach
  void setUp() {
    transport = closeables.add(InMemoryTransport.create());
    publisher = started(closeables.add(ConnectionRegistry.builder().build()));
    receiving = closeables.add(ConnectionRegistry.builder().codec(counting).build());
    receiver = started(receiving);
  }

  @AfterEach
  void tearDown() throws Exception {
    closeables.close();
  }

  private EventBroadcaster started(ConnectionRegistry registry) {
    EventBroadcaster broadcaster =
        closeables.add(
            EventBroadcaster.builder(transport, registry).timeSource(time).scheduler(time).build());
    broadcaster.start();
    return broadcaster;
  }

  /** What the clients got before: the stream's text decoded, positioned and encoded again. */
  private static String reencoded(String published, long seq, String epoch, boolean replay) {
    Envelope positioned = ((Envelope) CODEC.decode(published)).withPosition(seq, epoch);
    return CODEC.encode(replay ? positioned.asReplay() : positioned);
  }

  private static List<String> replays(RecordingConnection connection) {
    return connection.texts().stream().filter(t -> t.contains("\"replay\"")).toList();
  }

  private static void assertSameJson(String actual, String expected) throws Exception {
    assertThat(STRICT.readTree(actual)).isEqualTo(STRICT.readTree(expected));
  }

  @Test
  void anotherInstancesEventIsSplicedNotDecodedAndEncoded() throws Exception {
    RecordingConnection client = new RecordingConnection("b-1");
    receiving.register("events", client);

    EventBroadcasterTest.publish(publisher, 1);

    await().atMost(WAIT).until(() -> client.texts().size() == 1);
    String epoch = events(client).get(0).epoch();
    assertSameJson(client.texts().get(0), reencoded(CODEC.encode(event(1)), 1, epoch, false));
    assertThat(counting.decodes()).as("decodes").isZero();
    assertThat(counting.encodes()).as("encodes").isZero();
    assertThat(counting.splices()).isEqualTo(1);
  }

  @Test
  void aReplayIsSplicedNotDecodedAndEncoded() throws Exception {
    RecordingConnection early = new RecordingConnection("early");
    receiving.register("events", early);
    for (int n = 1; n <= 5; n++) {
      EventBroadcasterTest.publish(publisher, n);
    }
    await().atMost(WAIT).until(() -> early.texts().size() == 5);
    String epoch = transport.since("security_events", 0).epoch();
    RecordingConnection late = new RecordingConnection("late");
    RegisteredConnection registered = receiving.register("events", late);

    ResyncAck ack = receiver.resync(registered, new ResyncRequest("events", 2, epoch));

    assertThat(ack.recovered()).isTrue();
    await().atMost(WAIT).until(() -> replays(late).size() == 3);
    List<String> replays = replays(late);
    assertSameJson(replays.get(0), reencoded(CODEC.encode(event(3)), 3, epoch, true));
    assertThat(counting.decodes()).as("decodes").isZero();
    assertThat(counting.splices()).as("five delivered live, three replayed").isEqualTo(5 + 3);
  }

  @Test
  void aStreamTextCarryingItsOwnPositionIsDecodedAndStampedWithTheStreams() throws Exception {
    RecordingConnection client = new RecordingConnection("b-1");
    receiving.register("events", client);
    String hostile =
        "{\"type\":\"alert.created\",\"data\":{\"seq\":1},\"seq\":99,\"epoch\":\"forged\"}";

    transport.append("security_events", hostile);

    await().atMost(WAIT).until(() -> client.texts().size() == 1);
    String epoch = transport.since("security_events", 0).epoch();
    assertSameJson(client.texts().get(0), reencoded(hostile, 1, epoch, false));
    assertThat(counting.splices()).isZero();
  }
}
