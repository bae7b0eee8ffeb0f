package io.realtime.connection;

/** How a connection's outbound queue treats a message type. */
public enum DeliveryClass {

  /**
   * Every message is delivered, in order. When the connection's queue passes its bound, the
   * connection is closed with 1013 {@code slow consumer}, never silently drained. For security
   * events and job logs.
   */
  ORDERED_LOSSLESS,

  /**
   * A newer message of the same type replaces an older one that is still unsent, so a slow client
   * gets the newest value and never a backlog. For periodic status ({@code system_status}, {@code
   * performance_update}).
   */
  LATEST_VALUE
}
