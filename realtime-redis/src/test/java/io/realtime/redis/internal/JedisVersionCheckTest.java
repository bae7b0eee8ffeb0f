package io.realtime.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JedisVersionCheckTest {

  @Test
  void theJedisThisModuleIsBuiltWithPassesAndIsTheOneRecommended() {
    assertThatCode(JedisVersionCheck::require).doesNotThrowAnyException();
    assertThat(JedisVersionCheck.foundVersion()).isEqualTo(JedisVersionCheck.TESTED);
  }

  @Test
  void springBootsJedisFailsWithOneLineNamingBothVersionsAndTheProperty() {
    assertThatThrownBy(() -> JedisVersionCheck.REQUIRED.check("7.0.0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "realtime-redis needs Jedis 8.0 or newer on the class path, found 7.0.0: depend on"
                + " redis.clients:jedis 8.0.2 (Spring Boot 4.0 manages 7.0.0: set"
                + " <jedis.version>8.0.2</jedis.version>)");
  }

  @Test
  void theLast7xFailsTooSinceItLacksWhatThe8xApiAdded() {
    assertThat(JedisVersionCheck.REQUIRED.isMetBy("7.5.3")).isFalse();
    assertThat(JedisVersionCheck.REQUIRED.isMetBy("8.0.0")).isTrue();
  }
}
