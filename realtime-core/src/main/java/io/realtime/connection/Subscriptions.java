package io.realtime.connection;

import io.realtime.internal.GlobPattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
 * <p>Thread-safe. {@link #matches(String)} runs on every broadcast and takes no lock: it reads an
 * immutable snapshot that the mutators replace.
 */
public final class Subscriptions {

  /** The longest accepted pattern. */
  public static final int MAX_PATTERN_LENGTH = 100;

  private static final Snapshot RECEIVE_ALL = new Snapshot(false, Map.of());

  private volatile Snapshot snapshot = RECEIVE_ALL;

  /** Creates a filter that receives everything. */
  public Subscriptions() {}

  /**
   * Adds patterns and makes the filter explicit.
   *
   * @param patterns the patterns; not empty, each non-blank and at most {@value
   *     #MAX_PATTERN_LENGTH} characters
   * @return the normalised (lower-cased, de-duplicated) patterns, in the order given
   * @throws IllegalArgumentException naming the bad pattern, or when the list is empty
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
    snapshot = new Snapshot(true, next);
    return normalized;
  }

  /**
   * Removes patterns. The filter stays explicit, so removing every pattern receives nothing.
   *
   * @param patterns the patterns to remove
   * @return the normalised patterns that were present and are now removed
   * @throws IllegalArgumentException naming a bad pattern
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
      snapshot = new Snapshot(snapshot.explicit, next);
    }
    return removed;
  }

  /** Removes every pattern and returns to receive-all. */
  public synchronized void unsubscribeAll() {
    snapshot = RECEIVE_ALL;
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
    if (current.patterns.isEmpty()) {
      return false;
    }
    String lowerCase = type.toLowerCase(Locale.ROOT);
    for (GlobPattern pattern : current.patterns.values()) {
      if (pattern.matches(lowerCase)) {
        return true;
      }
    }
    return false;
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

  @Override
  public String toString() {
    Snapshot current = snapshot;
    return current.explicit ? "Subscriptions" + current.patterns.keySet() : "Subscriptions[all]";
  }

  private static List<String> normalize(Collection<String> patterns) {
    Objects.requireNonNull(patterns, "patterns");
    List<String> normalized = new ArrayList<>(patterns.size());
    for (String pattern : patterns) {
      if (pattern == null || pattern.isBlank()) {
        throw new IllegalArgumentException(
            "a pattern must not be blank, got " + (pattern == null ? "null" : "'" + pattern + "'"));
      }
      if (pattern.length() > MAX_PATTERN_LENGTH) {
        throw new IllegalArgumentException(
            "a pattern must be at most "
                + MAX_PATTERN_LENGTH
                + " characters, got "
                + pattern.length());
      }
      String lowerCase = pattern.trim().toLowerCase(Locale.ROOT);
      if (!normalized.contains(lowerCase)) {
        normalized.add(lowerCase);
      }
    }
    return normalized;
  }

  private record Snapshot(boolean explicit, Map<String, GlobPattern> patterns) {}
}
