package io.realtime.metrics.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaSmiGpuMetricsTest {

  @TempDir Path dir;

  @Test
  void runsTheCommandWithTheExpectedQueryAndParsesIt() throws Exception {
    Path command =
        script(
            "[ \"$1\" = '--query-gpu="
                + NvidiaSmiParser.QUERY
                + "' ] || exit 3\n"
                + "[ \"$2\" = '--format=csv,noheader,nounits' ] || exit 4\n"
                + "echo '0, NVIDIA L4, 40, 70.5, 2048, 23034, 33'\n");

    assertThat(new NvidiaSmiGpuMetrics(command.toString(), Duration.ofSeconds(5)).collect())
        .singleElement()
        .satisfies(gpu -> assertThat(gpu.name()).isEqualTo("NVIDIA L4"))
        .satisfies(gpu -> assertThat(gpu.powerWatts()).isEqualTo(70.5));
  }

  @Test
  void aMissingCommandIsAbsent() throws Exception {
    assertThat(new NvidiaSmiGpuMetrics("/no/such/nvidia-smi", Duration.ofSeconds(5)).collect())
        .isNull();
  }

  @Test
  void aFailingCommandIsAbsent() throws Exception {
    Path command = script("echo 'NVIDIA-SMI has failed'; exit 9\n");

    assertThat(new NvidiaSmiGpuMetrics(command.toString(), Duration.ofSeconds(5)).collect())
        .isNull();
  }

  @Test
  void aCommandThatHangsIsAbsentAfterTheTimeout() throws Exception {
    Path command = script("exec sleep 30\n");

    assertThat(new NvidiaSmiGpuMetrics(command.toString(), Duration.ofMillis(300)).collect())
        .isNull();
  }

  @Test
  void badSettingsAreRejectedByName() {
    assertThatThrownBy(() -> new NvidiaSmiGpuMetrics(" ", Duration.ofSeconds(1)))
        .hasMessageContaining("command");
    assertThatThrownBy(() -> new NvidiaSmiGpuMetrics("nvidia-smi", Duration.ZERO))
        .hasMessageContaining("timeout must be positive, got PT0S");
  }

  private Path script(String body) throws IOException {
    Path script = dir.resolve("nvidia-smi");
    Files.writeString(script, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
