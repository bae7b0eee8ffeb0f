package io.realtime.test.delivery;

import io.realtime.message.ResyncAck;

/** What one client saw, entry by entry, in the order it saw it. */
final class Journal {

  private Journal() {}

  /** One entry; {@code nanos} is the run clock, {@code session} the connection's number. */
  sealed interface Entry permits Connected, Delivered, Closed, Notice, ResyncSent, Acked {
    long nanos();

    int session();
  }

  record Connected(long nanos, int session, int instance) implements Entry {}

  /**
   * An event the server sent; {@code accepted} when the client's application got it (a stream
   * message the client did not already have, or a message without position).
   */
  record Delivered(
      long nanos,
      int session,
      long eventId,
      Long seq,
      String epoch,
      boolean replay,
      boolean accepted,
      int instance)
      implements Entry {}

  record Closed(long nanos, int session, int code, String reason, boolean byClient)
      implements Entry {}

  record Notice(long nanos, int session, String text) implements Entry {}

  record ResyncSent(long nanos, int session, long lastSeq, String epoch) implements Entry {}

  record Acked(long nanos, int session, long requestLastSeq, String requestEpoch, ResyncAck ack)
      implements Entry {}
}
