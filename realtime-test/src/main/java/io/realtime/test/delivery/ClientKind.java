package io.realtime.test.delivery;

/** How a checked client behaves. Every client reconnects and resyncs after a server close. */
public enum ClientKind {
  /** Reads every message at once. */
  NORMAL,
  /**
   * Reads each message late: each send completes 1 to 5 ms after it started, so it keeps up with a
   * few hundred events per second but always has something queued.
   */
  SLOW,
  /**
   * Reads at once, but stops reading while {@link Faults#stalledClients()} holds: its queue grows
   * until the server closes it with 1013, or the stall ends.
   */
  STALLING,
  /**
   * Goes away every 1 to 3 seconds (as a browser tab reloading or a mobile network switching),
   * reconnects to a random instance and resyncs from its last offset.
   */
  RECONNECTING
}
