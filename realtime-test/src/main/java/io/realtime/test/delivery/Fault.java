package io.realtime.test.delivery;

import java.util.Objects;

/**
 * A fault the checker injects during a run and heals later, for example Redis killed and
 * relaunched, a stalled client, an instance restart. The checker calls {@link #inject} and {@link
 * #heal} in turn, on one thread of its own, never overlapping; {@link Faults} has the built-in ones
 * and {@link #of} makes one from two actions (a test's Redis faults).
 */
public interface Fault {

  /**
   * Returns a short name for the report, for example {@code redis SIGKILL}.
   *
   * @return the name
   */
  String name();

  /**
   * Injects the fault.
   *
   * @param context the run's instances, clients and seeded randomness
   * @throws Exception if the fault could not be injected; the run stops and reports it
   */
  void inject(FaultContext context) throws Exception;

  /**
   * Heals the fault injected last.
   *
   * @param context the run's instances, clients and seeded randomness
   * @throws Exception if it could not be healed; the run stops and reports it
   */
  void heal(FaultContext context) throws Exception;

  /**
   * Makes a fault from two actions.
   *
   * @param name the name for the report
   * @param inject what injects it
   * @param heal what heals it
   * @return the fault
   */
  static Fault of(String name, Action inject, Action heal) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(inject, "inject");
    Objects.requireNonNull(heal, "heal");
    return new Fault() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void inject(FaultContext context) throws Exception {
        inject.run(context);
      }

      @Override
      public void heal(FaultContext context) throws Exception {
        heal.run(context);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** One side of a fault made with {@link Fault#of}. */
  @FunctionalInterface
  interface Action {
    /**
     * Runs the action.
     *
     * @param context the run
     * @throws Exception if it failed
     */
    void run(FaultContext context) throws Exception;
  }
}
