package io.realtime.internal.util;

import java.util.Map;

/**
 * Counts of texts kept as a map from text to count (a multiset): what the delivery paths remember
 * of payloads delivered by another path, to drop the second copy.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class TextCounts {

  private TextCounts() {}

  /**
   * Takes one count of a text.
   *
   * @param counts the multiset
   * @param text the text
   * @return whether the multiset held it
   */
  public static boolean takeOne(Map<String, Integer> counts, String text) {
    Integer count = counts.get(text);
    if (count == null) {
      return false;
    }
    if (count == 1) {
      counts.remove(text);
    } else {
      counts.put(text, count - 1);
    }
    return true;
  }
}
