package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The original's subscription semantics (§1.7). */
class SubscriptionsTest {

  private final Subscriptions subscriptions = new Subscriptions();

  @Test
  void aNewConnectionReceivesEverything() {
    assertThat(subscriptions.isExplicit()).isFalse();
    assertThat(subscriptions.matches("event")).isTrue();
    assertThat(subscriptions.matches("alert.created")).isTrue();
  }

  @Test
  void prefixWildcardMatchesOnlyItsDomain() {
    assertThat(subscriptions.subscribe(List.of("alert.*"))).containsExactly("alert.*");

    assertThat(subscriptions.matches("alert.created")).isTrue();
    assertThat(subscriptions.matches("alert.")).isTrue();
    assertThat(subscriptions.matches("alert")).isFalse();
    assertThat(subscriptions.matches("camera.status_changed")).isFalse();
    assertThat(subscriptions.matches("event")).isFalse();
  }

  @Test
  void matchingIsCaseInsensitiveAndPatternsAreNormalised() {
    assertThat(subscriptions.subscribe(List.of("ALERT.*", "Event", "event")))
        .containsExactly("alert.*", "event");

    assertThat(subscriptions.matches("Alert.Created")).isTrue();
    assertThat(subscriptions.matches("EVENT")).isTrue();
    assertThat(subscriptions.patterns()).containsExactly("alert.*", "event");
  }

  @Test
  void starMatchesEverything() {
    subscriptions.subscribe(List.of("*"));

    assertThat(subscriptions.matches("anything.at.all")).isTrue();
  }

  @Test
  void questionMarkAndCharacterClassesFollowFnmatch() {
    subscriptions.subscribe(List.of("job.?", "camera.[ab]*", "gpu.[!x]"));

    assertThat(subscriptions.matches("job.1")).isTrue();
    assertThat(subscriptions.matches("job.12")).isFalse();
    assertThat(subscriptions.matches("camera.added")).isTrue();
    assertThat(subscriptions.matches("camera.changed")).isFalse();
    assertThat(subscriptions.matches("gpu.y")).isTrue();
    assertThat(subscriptions.matches("gpu.x")).isFalse();
  }

  @Test
  void regexCharactersInPatternsAreLiteral() {
    subscriptions.subscribe(List.of("a+b.(c)|d", "[unclosed"));

    assertThat(subscriptions.matches("a+b.(c)|d")).isTrue();
    assertThat(subscriptions.matches("aab.(c)|d")).isFalse();
    assertThat(subscriptions.matches("[unclosed")).isTrue();
  }

  @Test
  void removingEveryPatternAfterAnExplicitSubscribeReceivesNothing() {
    subscriptions.subscribe(List.of("alert.*", "event"));

    assertThat(subscriptions.unsubscribe(List.of("ALERT.*", "event", "never-subscribed")))
        .containsExactly("alert.*", "event");

    assertThat(subscriptions.isExplicit()).isTrue();
    assertThat(subscriptions.matches("event")).isFalse();
    assertThat(subscriptions.matches("alert.created")).isFalse();
  }

  @Test
  void unsubscribeAllReturnsToReceiveAll() {
    subscriptions.subscribe(List.of("alert.*"));
    subscriptions.unsubscribe(List.of("alert.*"));

    subscriptions.unsubscribeAll();

    assertThat(subscriptions.isExplicit()).isFalse();
    assertThat(subscriptions.matches("event")).isTrue();
  }

  @Test
  void badPatternsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> subscriptions.subscribe(List.of()))
        .hasMessageContaining("at least one pattern");
    assertThatThrownBy(() -> subscriptions.subscribe(List.of("ok", " ")))
        .hasMessageContaining("must not be blank, got ' '");
    assertThatThrownBy(() -> subscriptions.subscribe(List.of("x".repeat(101))))
        .hasMessageContaining("at most 100 characters, got 101");
    assertThat(subscriptions.isExplicit()).isFalse();
  }
}
