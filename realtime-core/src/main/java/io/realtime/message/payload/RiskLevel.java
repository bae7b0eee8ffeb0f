package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The risk level of a security event; accepted in any case, always written in lower case. */
public enum RiskLevel {
  /** Low risk. */
  LOW,
  /** Medium risk. */
  MEDIUM,
  /** High risk. */
  HIGH,
  /** Critical risk. */
  CRITICAL;

  /**
   * Returns the wire name.
   *
   * @return the lower-case name, for example {@code "high"}
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a level in any case.
   *
   * @param text for example {@code "HIGH"} or {@code "high"}
   * @return the level
   * @throws IllegalArgumentException naming the value when it is not a level
   */
  public static RiskLevel parse(String text) {
    if (text != null) {
      for (RiskLevel level : values()) {
        if (level.name().equalsIgnoreCase(text.trim())) {
          return level;
        }
      }
    }
    throw new IllegalArgumentException(
        "risk_level must be one of low, medium, high, critical, got '" + text + "'");
  }
}
