package io.realtime.internal.util;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oldest version of a library on the class path that a module of realtime runs on, checked once
 * at start so that an older one fails with one line naming both versions, not later with a {@link
 * NoClassDefFoundError} or {@link NoSuchMethodError} deep in a call.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 *
 * @param module the module that needs the library, for example {@code realtime-redis}
 * @param library the library's name, for example {@code Jedis}
 * @param major the oldest major version it runs on
 * @param minor the oldest minor version of that major version
 * @param remedy what to do about an older one, ending the message
 */
public record RequiredVersion(String module, String library, int major, int minor, String remedy) {

  /** A version starts with its major and minor numbers: {@code 8.0.2}, {@code 2.21.4-rc1}. */
  private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d{1,9})\\.(\\d{1,9})(?:\\D.*)?$");

  /**
   * Validates the requirement.
   *
   * @param module the module that needs the library
   * @param library the library's name
   * @param major the oldest major version
   * @param minor the oldest minor version of that major version
   * @param remedy what to do about an older one
   * @throws IllegalArgumentException if a version number is negative
   */
  public RequiredVersion {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(remedy, "remedy");
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException(
          "version numbers must not be negative, got " + major + "." + minor);
    }
  }

  /**
   * Tells whether a version is this one or newer.
   *
   * @param found the version found, as the library states it
   * @return {@code true} if its major and minor numbers are at least these; {@code false} if they
   *     are lower or the text is not a version
   */
  public boolean isMetBy(String found) {
    if (found == null) {
      return false;
    }
    Matcher matcher = MAJOR_MINOR.matcher(found.strip());
    if (!matcher.matches()) {
      return false;
    }
    int foundMajor = Integer.parseInt(matcher.group(1));
    int foundMinor = Integer.parseInt(matcher.group(2));
    return foundMajor > major || (foundMajor == major && foundMinor >= minor);
  }

  /**
   * Checks a version.
   *
   * @param found the version found, as the library states it
   * @throws IllegalStateException naming the module, the library, the needed and the found version
   *     and the remedy, on one line, if the version found is older or not a version
   */
  public void check(String found) {
    if (!isMetBy(found)) {
      throw new IllegalStateException(
          module
              + " needs "
              + library
              + " "
              + major
              + "."
              + minor
              + " or newer on the class path, found "
              + found
              + ": "
              + remedy);
    }
  }
}
