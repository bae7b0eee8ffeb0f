package io.realtime.internal.util;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, order-preserving, unmodifiable copies of JSON-like maps and lists. JSON allows {@code null}
 * values, which the JDK's {@code Map.copyOf} does not, hence this helper.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class ImmutableJson {

  private ImmutableJson() {}

  /**
   * Copies a JSON object.
   *
   * @param map the object; keys must be strings
   * @return an unmodifiable deep copy, in the same key order
   * @throws IllegalArgumentException naming a key that is not a string
   */
  public static Map<String, Object> copyOf(Map<?, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new IllegalArgumentException(
            "JSON object keys must be strings, got " + describe(entry.getKey()));
      }
      copy.put(key, copyValue(entry.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Copies a JSON array.
   *
   * @param values the array
   * @return an unmodifiable deep copy
   */
  public static List<Object> copyOf(Collection<?> values) {
    List<Object> copy = new ArrayList<>(values.size());
    for (Object value : values) {
      copy.add(copyValue(value));
    }
    return Collections.unmodifiableList(copy);
  }

  /**
   * Copies a JSON value: objects and arrays deeply, anything else as is.
   *
   * @param value the value
   * @return the copy
   * @throws IllegalArgumentException if an object within has a key that is not a string
   */
  public static Object copyValue(Object value) {
    if (value instanceof Map<?, ?> nested) {
      return copyOf(nested);
    }
    if (value instanceof Collection<?> nested) {
      return copyOf(nested);
    }
    return value;
  }

  private static String describe(Object key) {
    return key == null ? "null" : key.getClass().getSimpleName() + " " + key;
  }
}
