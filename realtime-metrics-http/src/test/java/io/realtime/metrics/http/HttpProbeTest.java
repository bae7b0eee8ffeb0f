package io.realtime.metrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpProbeTest {

  @Test
  void rejectsATimeoutThatIsNotPositive() {
    assertThatThrownBy(() -> new HttpProbe(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
  }

  @Test
  void resolvesPathsWithOneSlash() {
    assertThat(HttpProbe.resolve(URI.create("http://h:1"), "health"))
        .isEqualTo(URI.create("http://h:1/health"));
    assertThat(HttpProbe.resolve(URI.create("http://h:1/api/"), "slots"))
        .isEqualTo(URI.create("http://h:1/api/slots"));
  }

  @Test
  void aBodyThatIsNotJsonIsAMissingNode() {
    assertThat(
            new HttpProbe.Result(HttpProbe.Outcome.RESPONDED, 200, "nope").json().isMissingNode())
        .isTrue();
  }

  @Test
  void aContainerWithoutAUrlIsRejectedByName() {
    Map<String, URI> containers = new java.util.HashMap<>();
    containers.put("frontend", null);

    assertThatThrownBy(
            () -> new ContainerHealthMetrics(containers, new HttpProbe(Duration.ofSeconds(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("frontend");
  }
}
