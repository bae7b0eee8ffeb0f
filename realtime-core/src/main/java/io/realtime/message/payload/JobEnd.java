package io.realtime.message.payload;

/**
 * The data of a {@code job_end} message, sent after a job's last log line.
 *
 * @param status {@code completed} or {@code failed}
 */
public record JobEnd(String status) {

  /**
   * Validates the status.
   *
   * @param status {@code completed} or {@code failed}
   */
  public JobEnd {
    if (!"completed".equals(status) && !"failed".equals(status)) {
      throw new IllegalArgumentException(
          "job_end status must be completed or failed, got '" + status + "'");
    }
  }
}
