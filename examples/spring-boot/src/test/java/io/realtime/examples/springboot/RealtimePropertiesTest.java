package io.realtime.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealtimePropertiesTest {

  private static RealtimeProperties properties(String redisUri, String token) {
    return new RealtimeProperties(
        new RealtimeProperties.Redis(redisUri),
        List.of("key-one-secret", "key-two-secret"),
        token,
        List.of("https://app.example"),
        List.of(),
        100,
        10,
        Duration.ofSeconds(5),
        Duration.ofSeconds(4));
  }

  @Test
  void toStringShowsHowManyKeysAndWhetherATokenIsSetButNeitherTheKeysNorTheToken() {
    String shown = properties(null, "the-token-secret").toString();
    assertThat(shown)
        .contains("transport=in-memory", "apiKeys=2", "token=set", "https://app.example")
        .doesNotContain("key-one-secret", "key-two-secret", "the-token-secret");
  }

  @Test
  void toStringHidesTheUserAndPasswordOfTheRedisUri() {
    String shown = properties("redis://admin:p4ss-secret@redis.internal:6380/2", null).toString();
    assertThat(shown)
        .contains("transport=redis://***@redis.internal:6380/2", "token=none")
        .doesNotContain("p4ss-secret", "admin");
  }

  @Test
  void aBlankRedisUriMeansTheInMemoryTransport() {
    assertThat(new RealtimeProperties.Redis(" ").enabled()).isFalse();
    assertThat(new RealtimeProperties.Redis("redis://127.0.0.1:6379").enabled()).isTrue();
  }
}
