package io.realtime.observe;

/** Why a connection was refused before it was registered. */
public enum RefusalReason {
  /** A missing or wrong API key or token (closed with 1008). */
  AUTH("auth"),
  /** The client opened connections too often (closed with 1013). */
  RATE_LIMIT("rate_limit"),
  /** A browser from an origin that is not allowed (closed with 1008). */
  ORIGIN("origin"),
  /** The cap on concurrent connections, in all or per client address (closed with 1013). */
  CAP("cap");

  private final String tagValue;

  RefusalReason(String tagValue) {
    this.tagValue = tagValue;
  }

  /**
   * Returns the name metrics use, lowercase with underscores: {@code auth}, {@code rate_limit},
   * {@code origin}, {@code cap}.
   *
   * @return the name
   */
  public String tagValue() {
    return tagValue;
  }
}
