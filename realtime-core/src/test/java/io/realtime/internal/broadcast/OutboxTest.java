package io.realtime.internal.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The outbox's bound never drops the entry being appended (issue 14, second review). */
class OutboxTest {

  private static Outbox.Entry entry(String text) {
    return new Outbox.Entry("id-" + text, text, true);
  }

  @Test
  void theBoundDropsTheOldestWaitingEntryNotTheOneBeingAppended() {
    Outbox outbox = new Outbox(2, "events");
    Outbox.Entry a = entry("a");
    Outbox.Entry b = entry("b");
    outbox.add(a);
    outbox.add(b);
    assertThat(outbox.takeForAppend()).isSameAs(a);

    assertThat(outbox.add(entry("c"))).as("b and c wait: within the bound").isNull();
    Outbox.Entry dropped = outbox.add(entry("d"));

    assertThat(dropped).as("a is being appended: b is the oldest waiting").isSameAs(b);
    assertThat(outbox.dropped()).isEqualTo(1);
    outbox.done(a, true);
    assertThat(outbox.size()).isEqualTo(2);
    assertThat(outbox.takeForAppend().text()).isEqualTo("c");
  }

  @Test
  void anEntryWhoseAppendFailedStaysFirstAndIsDroppableAgain() {
    Outbox outbox = new Outbox(1, "events");
    Outbox.Entry a = entry("a");
    outbox.add(a);
    outbox.takeForAppend();
    assertThat(outbox.add(entry("b"))).as("the only entry is being appended").isNull();

    outbox.done(a, false);

    assertThat(outbox.takeForAppend()).isSameAs(a);
    outbox.done(a, false);
    assertThat(outbox.add(entry("c"))).isSameAs(a);
  }
}
