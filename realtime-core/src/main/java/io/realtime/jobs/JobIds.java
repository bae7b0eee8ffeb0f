package io.realtime.jobs;

import java.util.regex.Pattern;

/**
 * Job ids, as they appear in {@code /ws/jobs/{job_id}/logs} and in the channel {@code
 * job:{job_id}:logs}: 1 to 128 characters, letters, digits, {@code .}, {@code _} and {@code -},
 * starting with a letter or digit. That excludes separators and the wildcards of pattern
 * subscriptions, so a job id can never reach another job's channel.
 */
public final class JobIds {

  /** The longest job id. */
  public static final int MAX_LENGTH = 128;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private JobIds() {}

  /**
   * Tells whether an id is valid.
   *
   * @param jobId the candidate
   * @return {@code true} if valid
   */
  public static boolean isValid(String jobId) {
    return jobId != null && VALID.matcher(jobId).matches();
  }

  /**
   * Checks an id.
   *
   * @param jobId the candidate
   * @return {@code jobId}
   * @throws IllegalArgumentException naming the bad id (shortened) and the rule
   */
  public static String requireValid(String jobId) {
    if (!isValid(jobId)) {
      String shown =
          jobId == null
              ? "null"
              : "'" + (jobId.length() > 40 ? jobId.substring(0, 40) + "..." : jobId) + "'";
      throw new IllegalArgumentException(
          "invalid job id "
              + shown
              + ": it must be 1 to "
              + MAX_LENGTH
              + " letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return jobId;
  }

  /**
   * Returns the transport channel of a job's logs.
   *
   * @param jobId a valid job id
   * @return {@code job:{job_id}:logs}
   * @throws IllegalArgumentException if the id is invalid
   */
  public static String logChannel(String jobId) {
    return "job:" + requireValid(jobId) + ":logs";
  }
}
