package io.realtime.test.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a {@link DeliveryChecker} run found: the counts, the violations with each client's journal
 * around them, and the run's trace (faults, instance stops and starts), all under the run's seed.
 * Immutable.
 */
public final class DeliveryReport {

  private static final int VIOLATIONS_SHOWN = 12;

  private final long seed;
  private final Duration elapsed;
  private final long published;
  private final long acknowledged;
  private final long localOnly;
  private final long failed;
  private final long pending;
  private final long deliveries;
  private final long announcedLost;
  private final long repeatedLocalCopies;
  private final boolean settled;
  private final List<Violation> violations;
  private final List<String> clients;
  private final List<String> trace;

  DeliveryReport(
      long seed,
      Duration elapsed,
      long[] counts,
      boolean settled,
      List<Violation> violations,
      List<String> clients,
      List<String> trace) {
    this.seed = seed;
    this.elapsed = elapsed;
    this.published = counts[0];
    this.acknowledged = counts[1];
    this.localOnly = counts[2];
    this.failed = counts[3];
    this.pending = counts[4];
    this.deliveries = counts[5];
    this.announcedLost = counts[6];
    this.repeatedLocalCopies = counts[7];
    this.settled = settled;
    this.violations = List.copyOf(violations);
    this.clients = List.copyOf(clients);
    this.trace = List.copyOf(trace);
  }

  /**
   * Returns the seed the run's schedule came from.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns how long the run took, quiescence included.
   *
   * @return the duration
   */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Returns how many events were handed to a broadcaster.
   *
   * @return the count
   */
  public long published() {
    return published;
  }

  /**
   * Returns how many publishes were acknowledged with a stream position.
   *
   * @return the count
   */
  public long acknowledged() {
    return acknowledged;
  }

  /**
   * Returns how many publishes got a {@code LOCAL_ONLY} receipt (the instance was degraded).
   *
   * @return the count
   */
  public long localOnly() {
    return localOnly;
  }

  /**
   * Returns how many publishes failed.
   *
   * @return the count
   */
  public long failedPublishes() {
    return failed;
  }

  /**
   * Returns how many publishes had not completed when the run ended.
   *
   * @return the count
   */
  public long pendingPublishes() {
    return pending;
  }

  /**
   * Returns how many events the clients received, every path and copy counted.
   *
   * @return the count
   */
  public long deliveries() {
    return deliveries;
  }

  /**
   * Returns how many (client, acknowledged event) pairs were not delivered but announced: the
   * client was told of a discontinuity covering the event. Zero means exactly-once delivery of
   * every acknowledged event to every client.
   *
   * @return the count
   */
  public long announcedLost() {
    return announcedLost;
  }

  /**
   * Returns how many events reached a client twice in the one way the protocol cannot avoid: once
   * without {@code seq} from a degraded instance's local path, then on a later connection with
   * {@code seq} after it was appended. Not a violation (see {@link Invariant#DUPLICATE}).
   *
   * @return the count
   */
  public long repeatedLocalCopies() {
    return repeatedLocalCopies;
  }

  /**
   * Tells whether every publish completed and every client was connected and caught up before the
   * quiescence bound.
   *
   * @return {@code true} if the run settled
   */
  public boolean settled() {
    return settled;
  }

  /**
   * Returns every violation found.
   *
   * @return the violations, in client order
   */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * Returns the violations of one invariant.
   *
   * @param invariant the invariant
   * @return those violations
   */
  public List<Violation> violations(Invariant invariant) {
    return violations.stream().filter(v -> v.invariant() == invariant).toList();
  }

  /**
   * Tells whether no invariant was broken.
   *
   * @return {@code true} if there is no violation
   */
  public boolean isClean() {
    return violations.isEmpty();
  }

  /**
   * Returns the run's trace: the plan, every fault injected and healed, every instance stopped and
   * started, with times since the run started.
   *
   * @return the lines
   */
  public List<String> trace() {
    return trace;
  }

  /**
   * Writes this report ({@link #toString()}) to {@code directory/name.txt}, creating the directory,
   * so that a passing run's counts and trace are kept too (the ITs keep theirs in {@code
   * target/delivery-check/}).
   *
   * @param directory the directory
   * @param name the file's name, without {@code .txt}
   * @return the file
   * @throws UncheckedIOException if it cannot be written
   */
  public Path writeTo(Path directory, String name) {
    try {
      Files.createDirectories(directory);
      return Files.writeString(directory.resolve(name + ".txt"), toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + directory, e);
    }
  }

  /**
   * Fails unless no invariant was broken.
   *
   * @throws AssertionError with this report as its message
   */
  public void assertClean() {
    if (!isClean()) {
      throw new AssertionError(this.toString());
    }
  }

  /**
   * Fails unless every acknowledged event reached every client exactly once: no violation, and no
   * event excused by a notice either.
   *
   * @throws AssertionError with this report as its message
   */
  public void assertExactlyOnce() {
    if (!isClean() || announcedLost > 0) {
      throw new AssertionError(
          (announcedLost > 0
                  ? announcedLost
                      + " acknowledged (client, event) pairs were announced lost instead of"
                      + " delivered exactly once\n"
                  : "")
              + this);
    }
  }

  @Override
  public String toString() {
    Map<Invariant, Long> byInvariant =
        violations.stream()
            .collect(
                Collectors.groupingBy(Violation::invariant, TreeMap::new, Collectors.counting()));
    StringBuilder text = new StringBuilder();
    text.append("Delivery check, seed ")
        .append(seed)
        .append(": ")
        .append(
            violations.isEmpty()
                ? "no violation"
                : violations.size() + " violation(s) " + byInvariant)
        .append(
            String.format(
                "%n  %d published: %d acknowledged, %d LOCAL_ONLY, %d failed, %d pending;"
                    + " %d deliveries; %d announced lost; %d local copies repeated after a reconnect;"
                    + " %s in %d ms%n",
                published,
                acknowledged,
                localOnly,
                failed,
                pending,
                deliveries,
                announcedLost,
                repeatedLocalCopies,
                settled ? "settled" : "NOT settled",
                elapsed.toMillis()));
    int shown = 0;
    for (Violation violation : violations) {
      if (shown++ == VIOLATIONS_SHOWN) {
        text.append("  … ").append(violations.size() - VIOLATIONS_SHOWN).append(" more\n");
        break;
      }
      text.append("- ").append(violation).append('\n');
      if (!violation.excerpt().isEmpty()) {
        text.append(violation.excerpt()).append('\n');
      }
    }
    text.append("Clients:\n");
    clients.forEach(line -> text.append("  ").append(line).append('\n'));
    text.append("Trace:\n");
    trace.forEach(line -> text.append("  ").append(line).append('\n'));
    return text.toString();
  }
}
