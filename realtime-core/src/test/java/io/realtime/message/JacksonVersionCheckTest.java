package io.realtime.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JacksonVersionCheckTest {

  @Test
  void theJacksonThisModuleIsBuiltWithPasses() {
    assertThatCode(JacksonVersionCheck::require).doesNotThrowAnyException();
    assertThat(JacksonVersionCheck.databindVersion()).isEqualTo(JacksonVersionCheck.TESTED);
    assertThat(JacksonVersionCheck.coreVersion()).isEqualTo(JacksonVersionCheck.TESTED);
  }

  @Test
  void aDatabindOlderThanTwoFifteenFailsNamingBothVersions() {
    assertThatThrownBy(() -> JacksonVersionCheck.DATABIND.check("2.14.3"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "realtime-core needs jackson-databind 2.15 or newer on the class path, found 2.14.3:"
                + " align every Jackson module on one version, e.g. with"
                + " com.fasterxml.jackson:jackson-bom "
                + JacksonVersionCheck.TESTED);
  }

  @Test
  void anOlderCoreFailsToo() {
    assertThatThrownBy(() -> JacksonVersionCheck.CORE.check("2.12.7"))
        .hasMessageStartingWith(
            "realtime-core needs jackson-core 2.15 or newer on the class path, found 2.12.7: ");
  }

  @Test
  void springBootsJacksonPasses() {
    assertThat(JacksonVersionCheck.DATABIND.isMetBy("2.21.4")).isTrue();
    assertThat(JacksonVersionCheck.CORE.isMetBy("2.21.4")).isTrue();
  }
}
