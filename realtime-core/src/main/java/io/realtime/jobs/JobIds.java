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

  /** The default pattern of a job's log channel, the original system's. */
  public static final String DEFAULT_LOG_CHANNEL = "job:{id}:logs";

  private static final String ID = "{id}";

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
   * Returns the transport channel of a job's logs under the default pattern, {@value
   * #DEFAULT_LOG_CHANNEL}.
   *
   * @param jobId a valid job id
   * @return {@code job:{job_id}:logs}
   * @throws IllegalArgumentException if the id is invalid
   */
  public static String logChannel(String jobId) {
    return logChannel(DEFAULT_LOG_CHANNEL, jobId);
  }

  /**
   * Returns the transport channel of a job's logs under a pattern.
   *
   * @param pattern a pattern that {@link #requireLogChannelPattern} accepts
   * @param jobId a valid job id
   * @return the pattern with {@code {id}} replaced by the id
   * @throws IllegalArgumentException if the id is invalid
   */
  public static String logChannel(String pattern, String jobId) {
    return requireLogChannelPattern(pattern).replace(ID, requireValid(jobId));
  }

  /**
   * Checks a pattern of job-log channels: {@code {id}} exactly once, so that every job has its own
   * channel, and no whitespace nor other brace (Redis Cluster derives a channel's slot from braces,
   * and refuses channels holding them).
   *
   * @param pattern the candidate, for example {@code app1:job:{id}:logs}
   * @return {@code pattern}
   * @throws IllegalArgumentException naming the bad pattern and the rule
   */
  public static String requireLogChannelPattern(String pattern) {
    String rest = pattern == null ? null : pattern.replaceFirst(Pattern.quote(ID), "");
    if (rest == null
        || rest.length() != pattern.length() - ID.length()
        || rest.chars().anyMatch(c -> Character.isWhitespace(c) || c == '{' || c == '}')) {
      throw new IllegalArgumentException(
          "logChannel must contain {id} exactly once and no whitespace nor other brace, got '"
              + pattern
              + "'");
    }
    return pattern;
  }
}
