package io.realtime.broadcast;

import static io.realtime.broadcast.EventBroadcasterTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.CountingCodec;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An event this instance publishes while the transport fails reaches its local clients as the text
 * it was encoded into once: nothing on the way decodes it and encodes it again.
 */
class LocalDeliveryEncodingTest {

  private final Closeables closeables = new Closeables();
  private final ManualTime time = new ManualTime();
  private final FlakyTransport flaky =
      closeables.add(new FlakyTransport(closeables.add(InMemoryTransport.create())));
  private final CountingCodec counting = new CountingCodec(MessageCodec.json());
  private final ConnectionRegistry registry =
      closeables.add(ConnectionRegistry.builder().codec(counting).build());

  private final RecordingConnection client = new RecordingConnection("ws-events-client");

  @AfterEach
  void tearDown() throws Exception {
    closeables.close();
  }

  /** A broadcaster with one local client, whose transport fails from the start. */
  private EventBroadcaster startedWithFailingTransport() {
    registry.register("events", client);
    EventBroadcaster broadcaster =
        closeables.add(
            EventBroadcaster.builder(flaky, registry).timeSource(time).scheduler(time).build());
    broadcaster.start();
    flaky.fail();
    return broadcaster;
  }

  @Test
  void anEventDeliveredLocallyIsEncodedOnceAndNeverDecoded() {
    EventBroadcaster broadcaster = startedWithFailingTransport();

    PublishReceipt receipt = broadcaster.publish(event(1)).toCompletableFuture().join();

    assertThat(receipt).isEqualTo(PublishReceipt.LOCAL_ONLY);
    EventBroadcasterTest.awaitEvents(client, 1);
    assertThat(counting.encodes()).isEqualTo(1);
    assertThat(counting.decodes()).isZero();
  }

  @Test
  void anEnvelopeWhoseMapDataTheCodecCannotReadReachesNoClientLocallyEither() {
    EventBroadcaster broadcaster = startedWithFailingTransport();

    broadcaster
        .publish(Envelope.of("event", Map.of("not", "an event")))
        .toCompletableFuture()
        .join();
    broadcaster.publish(event(2)).toCompletableFuture().join();

    EventBroadcasterTest.awaitEvents(client, 1);
    assertThat(EventBroadcasterTest.events(client))
        .singleElement()
        .satisfies(e -> assertThat(e.dataAs(SecurityEvent.class).id()).isEqualTo(2L));
  }
}
