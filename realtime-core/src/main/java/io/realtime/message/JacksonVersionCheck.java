package io.realtime.message;

import io.realtime.internal.util.RequiredVersion;

/**
 * Checks, when the JSON codec is first made, that the Jackson on the class path is one realtime
 * runs on: jackson-databind and jackson-core 2.15 or newer (older ones do not apply the snake-case
 * naming strategy to the parameters of records, so that messages lose their fields). Spring Boot
 * 4.0.7 manages Jackson 2.21.4, which works.
 *
 * <p>Package-private: the codec runs it; nothing else needs it.
 */
final class JacksonVersionCheck {

  /** The Jackson version realtime is built and tested with, the one to recommend. */
  public static final String TESTED = "2.23.0";

  private static final String REMEDY =
      "align every Jackson module on one version, e.g. with com.fasterxml.jackson:jackson-bom "
          + TESTED;

  /** The oldest jackson-databind realtime runs on. */
  public static final RequiredVersion DATABIND =
      new RequiredVersion("realtime-core", "jackson-databind", 2, 15, REMEDY);

  /** The oldest jackson-core realtime runs on. */
  public static final RequiredVersion CORE =
      new RequiredVersion("realtime-core", "jackson-core", 2, 15, REMEDY);

  private static volatile boolean checked;

  private JacksonVersionCheck() {}

  /**
   * Checks the Jackson on the class path, once; later calls return at once.
   *
   * @throws IllegalStateException naming the version found and the one needed if jackson-databind
   *     or jackson-core is older than 2.15
   */
  public static void require() {
    if (checked) {
      return;
    }
    DATABIND.check(databindVersion());
    CORE.check(coreVersion());
    checked = true;
  }

  /**
   * Returns the version of jackson-databind on the class path.
   *
   * @return the version, for example {@code 2.21.4}
   */
  public static String databindVersion() {
    return com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
  }

  /**
   * Returns the version of jackson-core on the class path.
   *
   * @return the version, for example {@code 2.21.4}
   */
  public static String coreVersion() {
    return com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString();
  }
}
