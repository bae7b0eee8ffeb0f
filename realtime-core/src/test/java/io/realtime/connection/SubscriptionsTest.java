package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
        .hasMessageContaining("at most 100 characters (max_pattern_length), got 101");
    assertThat(subscriptions.isExplicit()).isFalse();
  }

  @Test
  void aConnectionHoldsAtMostTheLimitOfPatternsAndARefusedRequestChangesNothing() {
    Subscriptions limited = new Subscriptions(new SubscriptionLimits(4, 3, 10));
    limited.subscribe(List.of("a", "b", "c"));

    assertThatThrownBy(() -> limited.subscribe(List.of("d", "e")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Too many patterns: a connection may hold at most 4 (max_patterns); it holds 3 and this"
                + " request adds 2");
    assertThat(limited.patterns()).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> limited.subscribe(List.of("w", "x", "y", "z")))
        .hasMessage(
            "Too many patterns in one request: at most 3 (max_patterns_per_request), got 4");
    assertThatThrownBy(() -> limited.unsubscribe(List.of("w", "x", "y", "z")))
        .hasMessageContaining("max_patterns_per_request");
    assertThatThrownBy(() -> limited.subscribe(List.of("x".repeat(11))))
        .hasMessageContaining("at most 10 characters (max_pattern_length), got 11");
    assertThat(limited.subscribe(List.of("a", "d"))).containsExactly("a", "d");
    assertThat(limited.patterns()).containsExactly("a", "b", "c", "d");
  }

  @Test
  void theDefaultLimitsAre64PatternsOf100Characters() {
    List<String> many = new java.util.ArrayList<>();
    for (int i = 0; i < 64; i++) {
      many.add("type." + i);
    }
    subscriptions.subscribe(many);

    assertThatThrownBy(() -> subscriptions.subscribe(List.of("one.more")))
        .hasMessageContaining("at most 64 (max_patterns)");
    assertThat(subscriptions.limits()).isEqualTo(SubscriptionLimits.DEFAULT);
  }

  @Test
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void pathologicalPatternsMatchInLinearTime() {
    String stars = "*".repeat(99) + "0";
    String alternating = "*a".repeat(49) + "*b";
    subscriptions.subscribe(List.of(stars, alternating, "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*ab"));

    assertThat(subscriptions.matches("system_status")).isFalse();
    assertThat(subscriptions.matches("a".repeat(50))).isFalse();
    assertThat(subscriptions.matches("a".repeat(49) + "b")).isTrue();
    assertThat(subscriptions.matches("status_0")).isTrue();
  }

  @Test
  void aReversedRangeIsAValidPatternThatMatchesNothingInIt() {
    assertThat(subscriptions.subscribe(List.of("[z-a]", "x[!z-a]"))).hasSize(2);

    assertThat(subscriptions.matches("m")).isFalse();
    assertThat(subscriptions.matches("xm")).isTrue();
  }

  @Test
  void verdictsFollowEveryChangeOfPatterns() {
    assertThat(subscriptions.matches("alert.created")).isTrue();
    subscriptions.subscribe(List.of("event"));
    assertThat(subscriptions.matches("alert.created")).isFalse();
    assertThat(subscriptions.matches("event")).isTrue();
    subscriptions.subscribe(List.of("alert.*"));
    assertThat(subscriptions.matches("alert.created")).isTrue();
    subscriptions.unsubscribe(List.of("alert.*", "event"));
    assertThat(subscriptions.matches("alert.created")).isFalse();
    assertThat(subscriptions.matches("event")).isFalse();
    subscriptions.unsubscribeAll();
    assertThat(subscriptions.matches("alert.created")).isTrue();
  }

  @Test
  void fnmatchCornerCases() {
    subscriptions.subscribe(List.of("[]]x", "[!]]y", "[a-]z", "?", "[!a-c]w", "a[b-d-f]"));

    assertThat(subscriptions.matches("]x")).isTrue();
    assertThat(subscriptions.matches("qy")).isTrue();
    assertThat(subscriptions.matches("]y")).isFalse();
    assertThat(subscriptions.matches("-z")).isTrue();
    assertThat(subscriptions.matches("q")).isTrue();
    assertThat(subscriptions.matches("dw")).isTrue();
    assertThat(subscriptions.matches("bw")).isFalse();
    assertThat(subscriptions.matches("a-")).isTrue();
    assertThat(subscriptions.matches("af")).isTrue();
    assertThat(subscriptions.matches("ae")).isFalse();
    Subscriptions stars = new Subscriptions();
    stars.subscribe(List.of("**a**"));
    assertThat(stars.matches("xxaxx")).isTrue();
    assertThat(stars.matches("xxbxx")).isFalse();
  }
}
