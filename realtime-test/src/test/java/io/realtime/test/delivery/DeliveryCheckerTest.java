package io.realtime.test.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.test.ForwardingTransport;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checker passes a correct run on the in-memory transport and finds what a tampering transport
 * plants: a duplicate, a silent loss, a reordering.
 */
class DeliveryCheckerTest {

  private final InMemoryTransport backbone = InMemoryTransport.create();

  @AfterEach
  void closeBackbone() {
    backbone.close();
  }

  private DeliveryChecker.Builder checker(UnaryOperator<Transport> tamper) {
    return DeliveryChecker.builder(
            instance -> tamper.apply(TransportFactory.shared(backbone).create(instance)))
        .seed(7)
        .duration(Duration.ofSeconds(3))
        .publishRate(100)
        .quiescence(Duration.ofSeconds(5));
  }

  /** The planted events: one in 25. */
  private static boolean planted(String payload) {
    return payload.matches("(?s).*\"id\":\\d*07[,}].*")
        || payload.matches("(?s).*\"id\":\\d*32[,}].*");
  }

  @Test
  void passesOnTheInMemoryTransportWithoutFaults() throws Exception {
    DeliveryReport report = checker(t -> t).build().run();

    report.assertExactlyOnce();
    assertThat(report.acknowledged()).isPositive().isEqualTo(report.published());
    assertThat(report.repeatedLocalCopies()).isZero();
    assertThat(report.settled()).isTrue();
  }

  @Test
  void findsADuplicate() throws Exception {
    // Every planted event is appended twice, as a retried append that had run anyway.
    DeliveryReport report =
        checker(
                t ->
                    new ForwardingTransport(t) {
                      @Override
                      public CompletionStage<StreamPosition> append(
                          String channel, String payload, String messageId, Duration retention) {
                        if (planted(payload)) {
                          delegate.append(channel, payload, null);
                        }
                        return delegate.append(channel, payload, messageId, retention);
                      }
                    })
            .build()
            .run();

    assertThat(report.violations(Invariant.DUPLICATE)).isNotEmpty();
    assertThat(report.violations(Invariant.DUPLICATE).get(0).detail())
        .contains("reached the application more than once");
    assertThatThrownBy(report::assertClean)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("seed 7")
        .hasMessageContaining("DUPLICATE");
  }

  @Test
  void findsASilentLoss() throws Exception {
    // The planted events are acknowledged but never delivered, live or from the history.
    DeliveryReport report =
        checker(
                t ->
                    new ForwardingTransport(t) {
                      @Override
                      public TransportSubscription subscribe(
                          String channel, TransportListener listener) {
                        return delegate.subscribe(
                            channel,
                            message -> {
                              if (!planted(message.payload())) {
                                listener.onMessage(message);
                              }
                            });
                      }

                      @Override
                      public StreamHistory since(String channel, long offset) {
                        StreamHistory history = delegate.since(channel, offset);
                        return new StreamHistory(
                            history.channel(),
                            history.epoch(),
                            history.oldest(),
                            history.latest(),
                            history.messages().stream()
                                .filter(m -> !planted(m.payload()))
                                .toList());
                      }
                    })
            .build()
            .run();

    assertThat(report.violations(Invariant.LOSS)).isNotEmpty();
    assertThat(report.violations(Invariant.LOSS).get(0).detail()).contains("was never told");
    assertThat(report.violations(Invariant.DUPLICATE)).isEmpty();
  }

  @Test
  void findsAReordering() throws Exception {
    // History reads come back newest first: a resync replays them in that order.
    DeliveryReport report =
        checker(
                t ->
                    new ForwardingTransport(t) {
                      @Override
                      public StreamHistory since(String channel, long offset) {
                        StreamHistory history = delegate.since(channel, offset);
                        List<TransportMessage> reversed = new ArrayList<>(history.messages());
                        Collections.reverse(reversed);
                        return new StreamHistory(
                            history.channel(),
                            history.epoch(),
                            history.oldest(),
                            history.latest(),
                            reversed);
                      }
                    })
            .clients(ClientKind.RECONNECTING, 2)
            .build()
            .run();

    assertThat(report.violations(Invariant.ORDER)).isNotEmpty();
    assertThat(report.violations(Invariant.ORDER).get(0).detail()).contains("replayed offset");
  }

  @Test
  void refusesBadSettings() {
    DeliveryChecker.Builder builder = DeliveryChecker.builder(TransportFactory.shared(backbone));
    assertThatThrownBy(() -> builder.instances(0)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> builder.publishRate(-1)).hasMessageContaining("got -1");
    assertThatThrownBy(() -> builder.fault(Faults.instanceRestart(), 0, Duration.ofSeconds(1)))
        .hasMessageContaining("times must be >= 1, got 0");
    for (ClientKind kind : ClientKind.values()) {
      builder.clients(kind, 0);
    }
    assertThatThrownBy(builder::build).hasMessageContaining("at least one client");
  }
}
