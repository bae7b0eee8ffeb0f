package io.realtime.test.hostile;

import java.util.Objects;

/**
 * An attack: what a hostile client does while the victim is measured, and the check that it got the
 * documented answer (an error reply, a close code), run after the measurement.
 */
public final class Attack {

  private final String name;
  private final Runnable run;
  private final Runnable answered;

  private Attack(String name, Runnable run, Runnable answered) {
    this.name = Objects.requireNonNull(name, "name");
    this.run = Objects.requireNonNull(run, "run");
    this.answered = Objects.requireNonNull(answered, "answered");
  }

  /**
   * Creates an attack.
   *
   * @param name what it is, for reports
   * @param run what the attacker does; runs on the measuring thread, at the window's start
   * @param answered asserts the attacker's answer; throws {@link AssertionError} if wrong
   * @return the attack
   */
  public static Attack of(String name, Runnable run, Runnable answered) {
    return new Attack(name, run, answered);
  }

  /**
   * Returns what the attack is.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /** Runs the attack. */
  public void run() {
    run.run();
  }

  /** Asserts that the attacker got the documented answer. */
  public void assertAnswered() {
    answered.run();
  }

  @Override
  public String toString() {
    return name;
  }
}
