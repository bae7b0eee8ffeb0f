package io.realtime.test.delivery;

import java.util.Objects;

/**
 * One broken invariant.
 *
 * @param invariant which invariant
 * @param client the client it happened to
 * @param detail what happened, with the event id, offsets and epochs
 * @param excerpt the client's journal around it: connections, closes, notices, resyncs and the
 *     deliveries nearby
 */
public record Violation(Invariant invariant, String client, String detail, String excerpt) {

  /**
   * Validates the violation.
   *
   * @param invariant which invariant
   * @param client the client it happened to
   * @param detail what happened
   * @param excerpt the client's journal around it
   */
  public Violation {
    Objects.requireNonNull(invariant, "invariant");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(detail, "detail");
    excerpt = excerpt == null ? "" : excerpt;
  }

  @Override
  public String toString() {
    return invariant + " " + client + ": " + detail;
  }
}
