package io.realtime.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.payload.CircuitBreakerUpdate;
import io.realtime.test.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CircuitBreakerRegistryTest {

  private final ManualTime time = new ManualTime();
  private final CircuitBreakerRegistry registry = new CircuitBreakerRegistry(time);

  private CircuitBreaker breaker(String name) {
    return CircuitBreaker.builder(name).withTimeSource(time).withFailureThreshold(1).build();
  }

  @Test
  void anUpdateCountsEveryState() {
    CircuitBreaker open = registry.register(breaker("event_broadcaster"));
    CircuitBreaker halfOpen = registry.register(breaker("system_broadcaster"));
    registry.register(breaker("redis"));
    open.recordFailure();
    halfOpen.recordFailure();
    time.advance(Duration.ofSeconds(30));
    halfOpen.tryAcquirePermission();

    CircuitBreakerUpdate update = registry.update();

    assertThat(update.summary()).isEqualTo(new CircuitBreakerUpdate.Summary(3, 1, 1, 1));
    assertThat(update.breakers())
        .containsOnlyKeys("event_broadcaster", "system_broadcaster", "redis");
    assertThat(update.breakers().get("event_broadcaster").failureCount()).isEqualTo(1);
    assertThat(update.timestamp()).isEqualTo(time.now());
  }

  @Test
  void listenersHearBreakersRegisteredLater() {
    List<String> changes = new CopyOnWriteArrayList<>();
    registry.onStateChange((breaker, from, to) -> changes.add(breaker.name() + ":" + to));
    CircuitBreaker later = registry.register(breaker("later"));

    later.recordFailure();

    assertThat(changes).containsExactly("later:OPEN");
    assertThat(registry.find("later")).containsSame(later);
    assertThatThrownBy(() -> registry.register(breaker("later"))).hasMessageContaining("later");
  }

  @Test
  void forEachBreakerGivesEveryBreakerPresentAndFutureOnce() {
    registry.register(breaker("before"));
    List<String> given = new CopyOnWriteArrayList<>();
    registry.forEachBreaker(breaker -> given.add(breaker.name()));
    registry.register(breaker("after"));

    assertThat(given).containsExactly("before", "after");
    assertThatThrownBy(() -> registry.register(breaker("after"))).hasMessageContaining("after");
    assertThat(given).containsExactly("before", "after");
  }
}
