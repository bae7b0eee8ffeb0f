package io.realtime.jakarta.ws.internal;

/**
 * The three endpoints.
 *
 * <p>This class is internal and is hence not for public use.
 */
public enum EndpointKind {
  /** {@code /ws/events}. */
  EVENTS("ws-events-"),
  /** {@code /ws/system}. */
  SYSTEM("ws-system-"),
  /** {@code /ws/jobs/{job_id}/logs}. */
  JOB_LOGS("ws-job-logs-");

  private final String idPrefix;

  EndpointKind(String idPrefix) {
    this.idPrefix = idPrefix;
  }

  /**
   * Returns the prefix of connection ids, as the original's.
   *
   * @return for example {@code ws-events-}
   */
  public String idPrefix() {
    return idPrefix;
  }
}
