package io.realtime.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequiredVersionTest {

  private final RequiredVersion required =
      new RequiredVersion("realtime-x", "Lib", 8, 2, "use Lib 8.3.1");

  @ParameterizedTest
  @ValueSource(strings = {"8.2", "8.2.0", "8.2.17", "8.10.0", "9.0.0", "10.1", "8.2.0-SNAPSHOT"})
  void theSameMinorOrANewerVersionMeetsIt(String found) {
    assertThat(required.isMetBy(found)).isTrue();
    assertThatCode(() -> required.check(found)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.1.99", "8.0.0", "7.9.9", "7.10", "0.0.1", "1.8.2"})
  void anOlderVersionDoesNot(String found) {
    assertThat(required.isMetBy(found)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "unknown", "8", "v8.2.0", "8.x", "99999999999.0"})
  void textThatIsNotAVersionDoesNot(String found) {
    assertThat(required.isMetBy(found)).isFalse();
  }

  @Test
  void anOlderVersionFailsWithOneLineNamingBothVersionsAndTheRemedy() {
    assertThatThrownBy(() -> required.check("7.0.0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "realtime-x needs Lib 8.2 or newer on the class path, found 7.0.0: use Lib 8.3.1")
        .message()
        .doesNotContain("\n");
  }

  @Test
  void noVersionFailsSayingSo() {
    assertThatThrownBy(() -> required.check(null))
        .hasMessage(
            "realtime-x needs Lib 8.2 or newer on the class path, found null: use Lib 8.3.1");
  }

  @Test
  void negativeVersionNumbersAreRefused() {
    assertThatThrownBy(() -> new RequiredVersion("m", "l", 1, -1, "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version numbers must not be negative, got 1.-1");
  }
}
