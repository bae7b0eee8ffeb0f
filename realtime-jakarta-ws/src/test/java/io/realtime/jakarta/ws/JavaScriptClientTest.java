package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the JavaScript client's unit tests ({@code src/test/js}) on Node's test runner, so {@code
 * mvn test} covers the ES module too. Node is required: {@code .ci/run} installs it when missing.
 */
class JavaScriptClientTest {

  @Test
  void theJavaScriptClientPassesItsTests() throws IOException, InterruptedException {
    Process node;
    try {
      node = new ProcessBuilder("node", "--test", "src/test/js/").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("node is missing: install Node.js (.ci/run does)", e);
    }
    byte[] output = node.getInputStream().readAllBytes();
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue())
        .as("node --test src/test/js/ said:%n%s", new String(output, StandardCharsets.UTF_8))
        .isZero();
  }
}
