package io.realtime.connection;

import io.realtime.internal.util.GlobPattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event-type filter of one connection, with the original's semantics:
 *
 * <ul>
 *   <li>A new connection receives every type until its first explicit {@link #subscribe}.
 *   <li>Patterns are shell-style wildcards ({@code *}, {@code ?}, {@code [abc]}, {@code [!abc]}):
 *       {@code alert.*} matches {@code alert.created}; {@code *} matches everything. Patterns and
 *       types are compared in lower case.
 *   <li>After an explicit subscribe, removing every pattern with {@link #unsubscribe} receives
 *       nothing.
 *   <li>{@link #unsubscribeAll()} returns to receive-all.
 * </ul>
 *
 * <p>What a client may ask is bounded by {@link SubscriptionLimits}: a request past a limit is
 * refused whole and changes nothing. Matching one pattern costs at most its length times the
 * type's, and each explicit filter remembers its verdict per message type (types are few), so a
 * broadcast costs one map lookup per connection whatever the client subscribed to. A change of
 * patterns works out the new verdicts for the types that filter had met at once, on the thread that
 * makes the change (the client's), so the broadcasting thread matches only a type it meets for the
 * first time. A receive-all filter, the state of most connections, matches without a lookup and
 * holds no map.
 *
 * <p>Thread-safe. {@link #matches(String)} runs on every broadcast and takes no lock: it reads an
 * immutable snapshot that the mutators replace.
 */
public final class Subscriptions {

  /** The longest accepted pattern by default ({@link SubscriptionLimits#defaults()}). */
  public static final int MAX_PATTERN_LENGTH = 100;

  /** Verdicts remembered per snapshot; message types are few, so this is never reached in use. */
  private static final int MAX_CACHED_VERDICTS = 64;

  private final SubscriptionLimits limits;
  private volatile Snapshot snapshot = Snapshot.receiveAll();

  /** Creates a filter that receives everything, with the {@link SubscriptionLimits#defaults()}s. */
  public Subscriptions() {
    this(SubscriptionLimits.defaults());
  }

  /**
   * Creates a filter that receives everything.
   *
   * @param limits what a client may ask of it
   */
  public Subscriptions(SubscriptionLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Adds patterns and makes the filter explicit.
   *
   * @param patterns the patterns; not empty, each non-blank, at most {@link
   *     SubscriptionLimits#maxPatternLength()} characters, at most {@link
   *     SubscriptionLimits#maxPatternsPerRequest()} of them, and no more than {@link
   *     SubscriptionLimits#maxPatterns()} held once added
   * @return the normalised (lower-cased, de-duplicated) patterns, in the order given
   * @throws IllegalArgumentException naming the bad pattern or the limit passed, or when the list
   *     is empty; nothing changes then
   */
  public synchronized List<String> subscribe(Collection<String> patterns) {
    List<String> normalized = normalize(patterns);
    if (normalized.isEmpty()) {
      throw new IllegalArgumentException("subscribe needs at least one pattern");
    }
    Map<String, GlobPattern> next = new LinkedHashMap<>(snapshot.patterns);
    for (String pattern : normalized) {
      next.computeIfAbsent(pattern, GlobPattern::compile);
    }
    if (next.size() > limits.maxPatterns()) {
      throw new IllegalArgumentException(
          "Too many patterns: a connection may hold at most "
              + limits.maxPatterns()
              + " (max_patterns); it holds "
              + snapshot.patterns.size()
              + " and this request adds "
              + (next.size() - snapshot.patterns.size()));
    }
    if (snapshot.explicit && next.size() == snapshot.patterns.size()) {
      return normalized; // nothing new: keep the verdicts rather than work them out again
    }
    snapshot = new Snapshot(true, next).primedWith(snapshot);
    return normalized;
  }

  /**
   * Removes patterns. The filter stays explicit, so removing every pattern receives nothing.
   *
   * @param patterns the patterns to remove
   * @return the normalised patterns that were present and are now removed
   * @throws IllegalArgumentException naming a bad pattern or the limit passed
   */
  public synchronized List<String> unsubscribe(Collection<String> patterns) {
    List<String> normalized = normalize(patterns);
    Map<String, GlobPattern> next = new LinkedHashMap<>(snapshot.patterns);
    List<String> removed = new ArrayList<>();
    for (String pattern : normalized) {
      if (next.remove(pattern) != null) {
        removed.add(pattern);
      }
    }
    if (!removed.isEmpty()) {
      snapshot = new Snapshot(snapshot.explicit, next).primedWith(snapshot);
    }
    return removed;
  }

  /** Removes every pattern and returns to receive-all. */
  public synchronized void unsubscribeAll() {
    snapshot = Snapshot.receiveAll();
  }

  /**
   * Tells whether a message type passes the filter.
   *
   * @param type the wire type
   * @return {@code true} if a connection with this filter receives it
   */
  public boolean matches(String type) {
    Snapshot current = snapshot;
    if (!current.explicit) {
      return true;
    }
    Boolean cached = current.verdicts.get(type);
    if (cached != null) {
      return cached;
    }
    boolean verdict = current.evaluate(type);
    if (current.verdicts.size() < MAX_CACHED_VERDICTS) {
      current.verdicts.putIfAbsent(type, verdict);
    }
    return verdict;
  }

  /**
   * Tells whether the connection subscribed explicitly (and so receives only what matches).
   *
   * @return {@code true} after a subscribe, until {@link #unsubscribeAll()}
   */
  public boolean isExplicit() {
    return snapshot.explicit;
  }

  /**
   * Returns the current patterns.
   *
   * @return the normalised patterns, in subscription order
   */
  public List<String> patterns() {
    return List.copyOf(snapshot.patterns.keySet());
  }

  /**
   * Returns the limits this filter enforces.
   *
   * @return the limits
   */
  public SubscriptionLimits limits() {
    return limits;
  }

  @Override
  public String toString() {
    Snapshot current = snapshot;
    return current.explicit ? "Subscriptions" + current.patterns.keySet() : "Subscriptions[all]";
  }

  private List<String> normalize(Collection<String> patterns) {
    Objects.requireNonNull(patterns, "patterns");
    if (patterns.size() > limits.maxPatternsPerRequest()) {
      throw new IllegalArgumentException(
          "Too many patterns in one request: at most "
              + limits.maxPatternsPerRequest()
              + " (max_patterns_per_request), got "
              + patterns.size());
    }
    Set<String> normalized = new LinkedHashSet<>();
    for (String pattern : patterns) {
      if (pattern == null || pattern.isBlank()) {
        throw new IllegalArgumentException(
            "a pattern must not be blank, got " + (pattern == null ? "null" : "'" + pattern + "'"));
      }
      if (pattern.length() > limits.maxPatternLength()) {
        throw new IllegalArgumentException(
            "a pattern must be at most "
                + limits.maxPatternLength()
                + " characters (max_pattern_length), got "
                + pattern.length());
      }
      normalized.add(pattern.trim().toLowerCase(Locale.ROOT));
    }
    return List.copyOf(normalized);
  }

  /** One immutable state of the filter, with the verdicts found for it so far. */
  private record Snapshot(
      boolean explicit, Map<String, GlobPattern> patterns, Map<String, Boolean> verdicts) {

    Snapshot(boolean explicit, Map<String, GlobPattern> patterns) {
      this(
          explicit,
          Collections.unmodifiableMap(new LinkedHashMap<>(patterns)),
          new ConcurrentHashMap<>());
    }

    /** Works out the verdicts for the types the previous state had met. */
    Snapshot primedWith(Snapshot previous) {
      for (String type : previous.verdicts.keySet()) {
        verdicts.put(type, evaluate(type));
      }
      return this;
    }

    /**
     * Receive-all needs no verdicts, so one state serves every such filter: a connection that never
     * subscribes costs no map.
     */
    private static final Snapshot RECEIVE_ALL = new Snapshot(false, Map.of(), Map.of());

    static Snapshot receiveAll() {
      return RECEIVE_ALL;
    }

    boolean evaluate(String type) {
      if (!explicit) {
        return true;
      }
      String lowerCase = type.toLowerCase(Locale.ROOT);
      for (GlobPattern pattern : patterns.values()) {
        if (pattern.matches(lowerCase)) {
          return true;
        }
      }
      return false;
    }
  }
}
