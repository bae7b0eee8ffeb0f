package io.realtime.internal.util;

import static io.realtime.fuzz.CallBound.timed;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.realtime.connection.Subscriptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fuzzes the glob matcher against {@link #fnmatch}, a plain recursive matcher written from
 * CPython's {@code fnmatch.translate} (3.12), on short patterns and texts: {@link GlobPattern}
 * exactly, and a connection's {@link Subscriptions}, which compare in lower case. Patterns and
 * texts at the subscription limits (100 and 50 characters) must match within the time bound.
 *
 * <p>An input is the pattern, a newline, then the text. Seeds: {@code
 * src/test/resources/io/realtime/internal/util/GlobPatternFuzzTestInputs/matches/}; see
 * docs/fuzzing.md.
 */
class GlobPatternFuzzTest {

  /** The longest one call may take; generous, for GC pauses on a loaded 2-core machine. */
  private static final int SHORT = 12;

  static {
    GlobPattern.compile("a*[b-c]?").matches("abc");
  }

  @FuzzTest(maxDuration = "20s")
  void matches(FuzzedDataProvider data) {
    String input = data.consumeRemainingAsString();
    int newline = input.indexOf('\n');
    String pattern = newline < 0 ? input : input.substring(0, newline);
    String text = newline < 0 ? "" : input.substring(newline + 1);

    String shortPattern = pattern.substring(0, Math.min(SHORT, pattern.length()));
    String shortText = text.substring(0, Math.min(SHORT, text.length()));
    assertThat(GlobPattern.compile(shortPattern).matches(shortText))
        .as("'%s' matches '%s'", shortPattern, shortText)
        .isEqualTo(fnmatch(shortPattern, shortText));

    if (!shortPattern.isBlank()) {
      Subscriptions subscriptions = new Subscriptions();
      subscriptions.subscribe(List.of(shortPattern));
      String normalized = shortPattern.trim().toLowerCase(Locale.ROOT);
      boolean expected = fnmatch(normalized, shortText.toLowerCase(Locale.ROOT));
      assertThat(subscriptions.matches(shortText))
          .as("subscription '%s' matches '%s'", shortPattern, shortText)
          .isEqualTo(expected);
      // The verdict is cached per type: asking again gives the same answer.
      assertThat(subscriptions.matches(shortText)).isEqualTo(expected);
    }

    // At the limits: the longest pattern a client may subscribe to against the longest type.
    if (!pattern.isEmpty()) {
      String longPattern = repeat(pattern, Subscriptions.MAX_PATTERN_LENGTH);
      String longText = repeat(text.isEmpty() ? "a" : text, 50);
      GlobPattern compiled = GlobPattern.compile(longPattern);
      boolean verdict =
          timed(
              "'" + longPattern + "' against '" + longText + "'", () -> compiled.matches(longText));
      assertThat(verdict).isEqualTo(fnmatch(longPattern, longText));
    }
  }

  private static String repeat(String piece, int length) {
    StringBuilder out = new StringBuilder(length);
    while (out.length() < length) {
      out.append(piece);
    }
    return out.substring(0, length);
  }

  // ---------------------------------------------------------------------------------------------
  // The reference: fnmatch, by recursion over the pattern, with CPython's rules for classes.

  /** Tells whether the whole text matches the pattern, as Python's {@code fnmatchcase}. */
  static boolean fnmatch(String pattern, String text) {
    return match(pattern, 0, text, 0, new Boolean[pattern.length() + 1][text.length() + 1]);
  }

  private static boolean match(String p, int i, String t, int k, Boolean[][] memo) {
    if (memo[i][k] != null) {
      return memo[i][k];
    }
    boolean result;
    if (i == p.length()) {
      result = k == t.length();
    } else if (p.charAt(i) == '*') {
      // The star matches nothing, or one more character.
      result = match(p, i + 1, t, k, memo) || (k < t.length() && match(p, i, t, k + 1, memo));
    } else if (k == t.length()) {
      result = false;
    } else if (p.charAt(i) == '?') {
      result = match(p, i + 1, t, k + 1, memo);
    } else if (p.charAt(i) == '[' && classEnd(p, i + 1) >= 0) {
      int end = classEnd(p, i + 1);
      result = inClass(p, i + 1, end, t.charAt(k)) && match(p, end + 1, t, k + 1, memo);
    } else {
      result = p.charAt(i) == t.charAt(k) && match(p, i + 1, t, k + 1, memo);
    }
    memo[i][k] = result;
    return result;
  }

  /** The index of the {@code ]} closing a class whose body starts at {@code j}, or -1. */
  private static int classEnd(String p, int j) {
    if (j < p.length() && p.charAt(j) == '!') {
      j++;
    }
    if (j < p.length() && p.charAt(j) == ']') {
      j++;
    }
    while (j < p.length() && p.charAt(j) != ']') {
      j++;
    }
    return j < p.length() ? j : -1;
  }

  /**
   * Whether {@code c} is in the class {@code p[i:j]}, following {@code fnmatch.translate}: split
   * the body at the hyphens that make ranges, drop reversed ranges, then read the chunks as a regex
   * set would, the hyphens between chunks being ranges and any other hyphen a literal.
   *
   * <p>One deliberate difference: only a {@code !} written first negates. CPython decides after
   * dropping reversed ranges, so that {@code [e-c!-b]} becomes the negated {@code [^-b]} (found by
   * this fuzz test; GlobPattern reads it as the range from {@code !} to {@code b}).
   */
  private static boolean inClass(String p, int i, int j, char c) {
    boolean negated = p.charAt(i) == '!';
    List<String> chunks = new ArrayList<>();
    if (p.substring(i, j).indexOf('-') < 0) {
      chunks.add(p.substring(i, j));
    } else {
      int k = negated ? i + 2 : i + 1;
      while (true) {
        k = k > j ? -1 : p.substring(0, j).indexOf('-', k);
        if (k < 0) {
          break;
        }
        chunks.add(p.substring(i, k));
        i = k + 1;
        k = k + 3;
      }
      String chunk = p.substring(i, j);
      if (!chunk.isEmpty()) {
        chunks.add(chunk);
      } else {
        chunks.set(chunks.size() - 1, chunks.get(chunks.size() - 1) + "-");
      }
    }
    if (negated) {
      chunks.set(0, chunks.get(0).substring(1));
    }
    // Remove empty ranges -- invalid in RE.
    for (int n = chunks.size() - 1; n > 0; n--) {
      String left = chunks.get(n - 1);
      String right = chunks.get(n);
      if (left.charAt(left.length() - 1) > right.charAt(0)) {
        chunks.set(n - 1, left.substring(0, left.length() - 1) + right.substring(1));
        chunks.remove(n);
      }
    }
    if (chunks.size() == 1 && chunks.get(0).isEmpty()) {
      return negated; // an empty set matches nothing; negated, any character
    }
    boolean member = false;
    for (int n = 0; n < chunks.size(); n++) {
      String chunk = chunks.get(n);
      // Inside a chunk every character is a member, except that the last one starts the range to
      // the next chunk's first, which that chunk then does not list on its own.
      int from = n == 0 ? 0 : 1;
      int to = n == chunks.size() - 1 ? chunk.length() : chunk.length() - 1;
      for (int m = from; m < to; m++) {
        member |= chunk.charAt(m) == c;
      }
      if (n < chunks.size() - 1) {
        char low = chunk.charAt(chunk.length() - 1);
        char high = chunks.get(n + 1).charAt(0);
        member |= low <= c && c <= high;
      }
    }
    return member != negated;
  }
}
