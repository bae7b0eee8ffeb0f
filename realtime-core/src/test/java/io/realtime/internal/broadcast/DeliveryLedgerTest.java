package io.realtime.internal.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each path of one instance's own event is counted once, whatever order the paths report in. */
class DeliveryLedgerTest {

  private static final long NONE = DeliveryLedger.NOT_DELIVERED;

  private final DeliveryLedger ledger = new DeliveryLedger(2);

  @Test
  void aLocalOnlyEventIsSkippedOnceWhenTheStreamCarriesItWithTheMarkOfItsDelivery() {
    ledger.deliveredLocally("a", 7);

    assertThat(ledger.streamed("a")).isEqualTo(7);
    assertThat(ledger.streamed("a")).as("a second copy is another event").isEqualTo(NONE);
  }

  @Test
  void identicalTextsCountAsManyEventsInOrder() {
    ledger.deliveredLocally("a", 1);
    ledger.deliveredLocally("a", 2);

    assertThat(ledger.streamed("a")).isEqualTo(1);
    assertThat(ledger.streamed("a")).isEqualTo(2);
    assertThat(ledger.streamed("a")).isEqualTo(NONE);
  }

  @Test
  void anAppendThatFailsAfterTheStreamCarriedAnIdenticalEventIsNotRecordedNorClaimed() {
    ledger.appending("a");

    assertThat(ledger.streamed("a")).as("delivered by the stream").isEqualTo(NONE);
    assertThat(ledger.appendFailed("a", 1)).isTrue();
    assertThat(ledger.localOnly()).isZero();
  }

  @Test
  void anAppendThatFailsFirstIsDeliveredLocallyAndSkippedOnTheStream() {
    ledger.appending("a");

    assertThat(ledger.appendFailed("a", 3)).isFalse();
    assertThat(ledger.streamed("a")).isEqualTo(3);
  }

  @Test
  void aFailedAppendThatWillNotBeQueuedLeavesNoRecord() {
    ledger.appending("a");

    assertThat(ledger.appendFailed("a", NONE)).isFalse();
    assertThat(ledger.localOnly()).isZero();
    assertThat(ledger.streamed("a")).as("a later identical event").isEqualTo(NONE);
  }

  @Test
  void anEventTheOutboxDroppedLeavesNoRecord() {
    ledger.deliveredLocally("a", 1);
    ledger.dropped("a");

    assertThat(ledger.localOnly()).isZero();
    assertThat(ledger.streamed("a")).as("a later identical event").isEqualTo(NONE);
  }

  @Test
  void aSuccessfulAppendLeavesNothingBehind() {
    ledger.appending("a");
    ledger.streamed("a");
    ledger.appended("a");
    ledger.appending("b");
    ledger.appended("b");

    assertThat(ledger.streamed("a")).isEqualTo(NONE);
    assertThat(ledger.streamed("b")).isEqualTo(NONE);
  }

  @Test
  void theOldestLocalOnlyRecordGoesPastTheCapacity() {
    ledger.deliveredLocally("a", 1);
    ledger.deliveredLocally("b", 2);
    ledger.deliveredLocally("c", 3);

    assertThat(ledger.localOnly()).isEqualTo(2);
    assertThat(ledger.streamed("a")).isEqualTo(NONE);
    assertThat(ledger.streamed("b")).isEqualTo(2);
    assertThat(ledger.streamed("c")).isEqualTo(3);
  }

  @Test
  void theCapacityIsAtLeastOne() {
    assertThatThrownBy(() -> new DeliveryLedger(0)).hasMessageContaining("got 0");
  }
}
