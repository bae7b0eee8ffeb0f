package io.realtime.test.delivery;

import io.realtime.transport.StreamPosition;

/** One published event and what its publisher was told. */
final class PublishRecord {

  final long id;
  final int instance;
  final long startNanos;
  private StreamPosition position;
  private boolean localOnly;
  private String failure;
  private long doneNanos = -1;

  PublishRecord(long id, int instance, long startNanos) {
    this.id = id;
    this.instance = instance;
    this.startNanos = startNanos;
  }

  synchronized void complete(StreamPosition position, boolean localOnly, long nanos) {
    this.position = position;
    this.localOnly = localOnly;
    this.doneNanos = nanos;
  }

  synchronized void fail(String failure, long nanos) {
    this.failure = failure;
    this.doneNanos = nanos;
  }

  synchronized boolean done() {
    return doneNanos >= 0;
  }

  synchronized StreamPosition position() {
    return position;
  }

  synchronized boolean localOnly() {
    return localOnly;
  }

  synchronized String failure() {
    return failure;
  }

  synchronized long doneNanos() {
    return doneNanos;
  }

  synchronized String describe(long startOfRun) {
    String outcome =
        position != null
            ? "acknowledged at seq " + position.seq() + " of epoch " + position.epoch()
            : localOnly ? "LOCAL_ONLY" : failure != null ? "failed: " + failure : "pending";
    return "event "
        + id
        + " (published on instance "
        + instance
        + " at "
        + Clock.format(startNanos - startOfRun)
        + ", "
        + outcome
        + (doneNanos >= 0 ? " at " + Clock.format(doneNanos - startOfRun) : "")
        + ")";
  }
}
