package io.realtime.jobs;

import static io.realtime.fuzz.CallBound.timed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the job-id validator against a character-by-character reference of its rule. Seeds: {@code
 * src/test/resources/io/realtime/jobs/JobIdsFuzzTestInputs/validator/}; see docs/fuzzing.md.
 */
class JobIdsFuzzTest {

  /** The longest one call may take; generous, for GC pauses on a loaded 2-core machine. */
  @FuzzTest(maxDuration = "20s")
  void validator(FuzzedDataProvider data) {
    String candidate = data.consumeRemainingAsString();

    boolean valid = timed("isValid", () -> JobIds.isValid(candidate));

    assertThat(valid).as("isValid(%s)", candidate).isEqualTo(reference(candidate));
    if (valid) {
      assertThat(JobIds.requireValid(candidate)).isSameAs(candidate);
      String channel = JobIds.logChannel(candidate);
      assertThat(channel).isEqualTo("job:" + candidate + ":logs");
      // A job's channel is never a pattern and never reaches into another job's channel.
      assertThat(channel).doesNotContain("*", "?", "[", "]", "|");
      assertThat(channel.substring(4, channel.length() - 5)).doesNotContain(":");
    } else {
      assertThatIllegalArgumentException()
          .isThrownBy(() -> JobIds.requireValid(candidate))
          .withMessageStartingWith("invalid job id '")
          .withMessageEndingWith("starting with a letter or digit");
      assertThatIllegalArgumentException().isThrownBy(() -> JobIds.logChannel(candidate));
    }
  }

  /** The rule, spelt out: 1 to 128 of [A-Za-z0-9._-], the first a letter or digit. */
  private static boolean reference(String id) {
    if (id.isEmpty() || id.length() > JobIds.MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean alphanumeric =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alphanumeric && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
        return false;
      }
    }
    return true;
  }
}
