package io.realtime.internal.util;

import java.util.ArrayList;
import java.util.List;

/**
 * A shell-style wildcard pattern with Python {@code fnmatch} semantics: {@code *} matches any run
 * of characters (dots included), {@code ?} one character, {@code [abc]} one of a set, {@code
 * [!abc]} one outside it, {@code [a-f]} a range (a reversed range such as {@code [z-a]} matches
 * nothing, as in Python); a {@code [} without its {@code ]} matches itself, and so does anything
 * else. Matching is exact (no case folding): callers lower-case both sides. One corner differs from
 * CPython on purpose: only a {@code !} written right after the {@code [} negates, whereas CPython,
 * once it drops a reversed range, reads a {@code !} that then comes first as a negation ({@code
 * [e-c!-b]} is {@code [^-b]} there, the range {@code !}–{@code b} here).
 *
 * <p>Matching takes at most O(pattern length × text length) steps whatever the pattern: a run of
 * {@code *} is one star, and a mismatch backtracks only to the last star (the classic two-pointer
 * matcher), never exponentially as a backtracking regex would. Compiling never fails.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class GlobPattern {

  /** A token that matches one character. */
  private interface CharMatcher {
    boolean matches(char c);
  }

  /** The star: any run of characters. */
  private static final CharMatcher STAR = c -> true;

  private static final CharMatcher ANY_CHAR = c -> true;

  private final String source;
  private final CharMatcher[] tokens;
  private final boolean matchesEverything;

  private GlobPattern(String source, CharMatcher[] tokens) {
    this.source = source;
    this.tokens = tokens;
    this.matchesEverything = tokens.length == 1 && tokens[0] == STAR;
  }

  /**
   * Compiles a pattern. Every string is a valid pattern.
   *
   * @param glob the pattern
   * @return the compiled pattern
   */
  public static GlobPattern compile(String glob) {
    List<CharMatcher> tokens = new ArrayList<>(glob.length());
    int i = 0;
    int n = glob.length();
    while (i < n) {
      char c = glob.charAt(i++);
      if (c == '*') {
        if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != STAR) {
          tokens.add(STAR);
        }
      } else if (c == '?') {
        tokens.add(ANY_CHAR);
      } else if (c == '[') {
        int end = classEnd(glob, i);
        if (end < 0) {
          tokens.add(literal('['));
        } else {
          tokens.add(characterClass(glob.substring(i, end)));
          i = end + 1;
        }
      } else {
        tokens.add(literal(c));
      }
    }
    return new GlobPattern(glob, tokens.toArray(CharMatcher[]::new));
  }

  /**
   * Tells whether the text matches the whole pattern.
   *
   * @param text the text
   * @return {@code true} on a match
   */
  public boolean matches(String text) {
    if (matchesEverything) {
      return true;
    }
    int p = 0;
    int t = 0;
    int starToken = -1;
    int starText = 0;
    int tokenCount = tokens.length;
    int length = text.length();
    while (t < length) {
      if (p < tokenCount && tokens[p] == STAR) {
        starToken = p++;
        starText = t;
      } else if (p < tokenCount && tokens[p].matches(text.charAt(t))) {
        p++;
        t++;
      } else if (starToken >= 0) {
        // Let the last star absorb one more character and retry what follows it. Earlier stars
        // never need revisiting: whatever they could absorb, the last one can.
        p = starToken + 1;
        t = ++starText;
      } else {
        return false;
      }
    }
    while (p < tokenCount && tokens[p] == STAR) {
      p++;
    }
    return p == tokenCount;
  }

  @Override
  public String toString() {
    return source;
  }

  private static CharMatcher literal(char expected) {
    return c -> c == expected;
  }

  /** Finds the closing bracket of a class opened before {@code start}, as fnmatch does. */
  private static int classEnd(String glob, int start) {
    int j = start;
    if (j < glob.length() && glob.charAt(j) == '!') {
      j++;
    }
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++;
    }
    while (j < glob.length() && glob.charAt(j) != ']') {
      j++;
    }
    return j < glob.length() ? j : -1;
  }

  /** A class body (between the brackets): members and {@code lo-hi} ranges, {@code !} negates. */
  private static CharMatcher characterClass(String body) {
    boolean negated = body.startsWith("!");
    StringBuilder lows = new StringBuilder();
    StringBuilder highs = new StringBuilder();
    int i = negated ? 1 : 0;
    while (i < body.length()) {
      char low = body.charAt(i);
      if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
        char high = body.charAt(i + 2);
        if (low <= high) {
          lows.append(low);
          highs.append(high);
        }
        i += 3;
      } else {
        lows.append(low);
        highs.append(low);
        i++;
      }
    }
    char[] from = lows.toString().toCharArray();
    char[] to = highs.toString().toCharArray();
    // Members below 128 (all that message types use) are looked up in two words; the ranges are
    // walked only for other characters.
    long below64 = 0;
    long below128 = 0;
    for (int c = 0; c < 128; c++) {
      if (inRanges((char) c, from, to)) {
        if (c < 64) {
          below64 |= 1L << c;
        } else {
          below128 |= 1L << (c - 64);
        }
      }
    }
    long asciiLow = below64;
    long asciiHigh = below128;
    return c -> {
      boolean member;
      if (c < 64) {
        member = (asciiLow & (1L << c)) != 0;
      } else if (c < 128) {
        member = (asciiHigh & (1L << (c - 64))) != 0;
      } else {
        member = inRanges(c, from, to);
      }
      return member != negated;
    };
  }

  private static boolean inRanges(char c, char[] from, char[] to) {
    for (int k = 0; k < from.length; k++) {
      if (c >= from[k] && c <= to[k]) {
        return true;
      }
    }
    return false;
  }
}
