package io.realtime.internal;

import java.util.regex.Pattern;

/**
 * A shell-style wildcard pattern with Python {@code fnmatch} semantics: {@code *} matches any run
 * of characters (dots included), {@code ?} one character, {@code [abc]} one of a set, {@code
 * [!abc]} one outside it; anything else matches itself. Matching is exact (no case folding):
 * callers lower-case both sides.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class GlobPattern {

  private final String source;
  private final Pattern regex;

  private GlobPattern(String source, Pattern regex) {
    this.source = source;
    this.regex = regex;
  }

  /**
   * Compiles a pattern.
   *
   * @param glob the pattern
   * @return the compiled pattern
   */
  public static GlobPattern compile(String glob) {
    if (glob.equals("*")) {
      return new GlobPattern(glob, null);
    }
    return new GlobPattern(glob, Pattern.compile(toRegex(glob), Pattern.DOTALL));
  }

  /**
   * Tells whether the text matches the whole pattern.
   *
   * @param text the text
   * @return {@code true} on a match
   */
  public boolean matches(String text) {
    return regex == null || regex.matcher(text).matches();
  }

  @Override
  public String toString() {
    return source;
  }

  private static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder(glob.length() + 8);
    int i = 0;
    int n = glob.length();
    while (i < n) {
      char c = glob.charAt(i++);
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (c == '[') {
        int end = classEnd(glob, i);
        if (end < 0) {
          regex.append("\\[");
        } else {
          regex.append(characterClass(glob.substring(i, end)));
          i = end + 1;
        }
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
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

  private static String characterClass(String body) {
    StringBuilder out = new StringBuilder("[");
    int i = 0;
    if (body.startsWith("!")) {
      out.append('^');
      i = 1;
    }
    for (; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '-') {
        out.append('-');
      } else if (Character.isLetterOrDigit(c)) {
        out.append(c);
      } else {
        out.append('\\').append(c);
      }
    }
    return out.append(']').toString();
  }
}
