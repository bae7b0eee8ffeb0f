package io.realtime.test.delivery;

import java.util.Random;

/**
 * What a {@link Fault} can act on: the run's instances, its clients, the transports' test hooks and
 * a seeded random source. Everything done here is written to the run's trace.
 */
public interface FaultContext {

  /**
   * Returns the run's random source for faults, seeded from the run's seed. Only the fault thread
   * uses it, so a fault's choices repeat with the seed.
   *
   * @return the random source
   */
  Random random();

  /**
   * Returns how many instances the run has.
   *
   * @return the count
   */
  int instances();

  /**
   * Stops an instance as a server shutting down: its clients get {@code system.shutdown} and a 1001
   * close and reconnect elsewhere; its broadcaster, registry and transport are closed. Stopping a
   * stopped instance does nothing.
   *
   * @param instance the index
   */
  void stopInstance(int instance);

  /**
   * Starts a stopped instance again with a new transport from the run's {@link TransportFactory}.
   * Starting a running instance does nothing.
   *
   * @param instance the index
   */
  void startInstance(int instance);

  /**
   * Makes every instance's {@code Transport.since} fail (history unreadable) or work again, and
   * while it fails drops one live stream message in {@code dropOneIn} on each instance's
   * subscription (as a backbone that lost pub/sub messages), so that gaps need the history.
   *
   * @param failing whether reads fail
   * @param dropOneIn drop one live message in this many while failing; 0 drops none
   */
  void historyUnreadable(boolean failing, int dropOneIn);

  /**
   * Stalls or resumes the clients of a kind: a stalled client completes no send (it stopped
   * reading) until resumed.
   *
   * @param kind the clients' kind
   * @param stalled whether they stall
   */
  void stallClients(ClientKind kind, boolean stalled);

  /**
   * Writes a line to the run's trace, with the time since the run started.
   *
   * @param text the line
   */
  void note(String text);
}
