package io.realtime.test.delivery;

/**
 * The faults the checker can inject by itself, on any transport. Faults of the backbone (Redis
 * killed, stalled, restarted from older data, a replica promoted) are the test's, made with {@link
 * Fault#of}.
 */
public final class Faults {

  private Faults() {}

  /**
   * The history cannot be read: every instance's {@code Transport.since} fails (gap fills,
   * catch-ups and resyncs with it) and, so that gaps need the history, each instance's subscription
   * drops one live stream message in 5.
   *
   * @return the fault
   */
  public static Fault historyUnreadable() {
    return historyUnreadable(5);
  }

  /**
   * The history cannot be read, dropping one live stream message in {@code dropOneIn}.
   *
   * @param dropOneIn 1 or more; 0 drops none (only reads fail)
   * @return the fault
   */
  public static Fault historyUnreadable(int dropOneIn) {
    if (dropOneIn < 0) {
      throw new IllegalArgumentException("dropOneIn must be >= 0, got " + dropOneIn);
    }
    return Fault.of(
        "since() failures (history unreadable, 1 live message in " + dropOneIn + " lost)",
        context -> context.historyUnreadable(true, dropOneIn),
        context -> context.historyUnreadable(false, 0));
  }

  /**
   * The {@link ClientKind#STALLING} clients stop reading until healed.
   *
   * @return the fault
   */
  public static Fault stalledClients() {
    return Fault.of(
        "stalled clients",
        context -> context.stallClients(ClientKind.STALLING, true),
        context -> context.stallClients(ClientKind.STALLING, false));
  }

  /**
   * One instance, chosen with the run's seed, shuts down (its clients reconnect elsewhere and
   * resync) and starts again with a new transport when healed.
   *
   * @return the fault
   */
  public static Fault instanceRestart() {
    int[] stopped = {-1};
    return Fault.of(
        "instance restart",
        context -> {
          stopped[0] = context.random().nextInt(context.instances());
          context.stopInstance(stopped[0]);
        },
        context -> context.startInstance(stopped[0]));
  }
}
