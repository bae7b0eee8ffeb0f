package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JavaScript client as an npm package: {@code npm pack} makes a tarball that installs into a
 * fresh project and imports on Node, and its declarations type-check a typed use of the client and
 * the React hooks under {@code tsc --noEmit --strict}.
 */
class JavaScriptPackageIT {

  @Test
  void thePackedTarballInstallsAndImportsOnNode() throws Exception {
    Path project = NodeProject.installed();

    String output = NodeProject.run(project, 60, "node", "import-package.mjs");

    assertThat(output).contains("imported @realtime/client@0.1.0");
  }

  @Test
  void theDeclarationsTypeCheckATypedUseUnderStrict() throws Exception {
    Path project = NodeProject.installed();

    NodeProject.run(
        project, 180, "node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "-p", ".");
  }

  @Test
  void thePackageVersionIsTheProjectVersion() throws Exception {
    Matcher version =
        Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
    assertThat(version.find()).isTrue();
    String packageJson =
        Files.readString(Path.of("src/main/resources/META-INF/resources/realtime/package.json"));

    assertThat(packageJson)
        .contains("\"version\": \"" + version.group(1).replace("-SNAPSHOT", "") + "\"");
  }
}
