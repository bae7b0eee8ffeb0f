package io.realtime.test.delivery;

/** What the checker checks. */
public enum Invariant {
  /**
   * On each connection and stream epoch, offsets strictly increase: live messages in order, each
   * replay in order, and no offset twice.
   */
  ORDER,
  /**
   * Every event acknowledged with a stream position reaches every client that was receiving events
   * when it was published (it stayed connected or reconnected and resynced), unless that client was
   * told of a discontinuity covering the event: a resync answered {@code gap_too_old} or {@code
   * recovered: false}, a move to a new epoch, or a 1013 close with no resync answered after it.
   * Every client must also catch up: at the end, one that has been neither connected nor answered
   * for more than 5 s (a reconnect that is closed again before its resync is answered, over and
   * over) is a violation, as is one that never received a stream event.
   */
  LOSS,
  /**
   * No event reaches a client's application twice, whichever path (live, replay, local) it took.
   */
  DUPLICATE,
  /**
   * An event published while degraded (a {@code LOCAL_ONLY} receipt) reaches every client of its
   * instance whose connection stayed open.
   */
  LOCAL_ONLY
}
