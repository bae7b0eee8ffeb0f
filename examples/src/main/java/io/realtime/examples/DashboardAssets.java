package io.realtime.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The dashboard's files, copied from the classpath into a private folder that the launcher's HTTP
 * server serves at {@code /}: Tyrus's Grizzly container serves static content from a folder only.
 * Every asset ships in the jar, so the page works with no network beyond the launcher.
 */
final class DashboardAssets implements AutoCloseable {

  /** Classpath resource to its path under the served folder. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "dashboard/index.html", "index.html",
          "dashboard/dashboard.css", "dashboard.css",
          "dashboard/dashboard.js", "dashboard.js",
          "META-INF/resources/realtime/realtime-client.js", "realtime/realtime-client.js");

  private final Path root;

  private DashboardAssets(Path root) {
    this.root = root;
  }

  /**
   * Copies the assets into a new temporary folder.
   *
   * @return the assets; {@link #close()} deletes the folder
   * @throws IOException if the folder cannot be written
   * @throws IllegalStateException if an asset is missing from the classpath
   */
  static DashboardAssets extract() throws IOException {
    Path root = Files.createTempDirectory("realtime-dashboard-");
    ClassLoader loader = DashboardAssets.class.getClassLoader();
    for (Map.Entry<String, String> asset : ASSETS.entrySet()) {
      Path target = root.resolve(asset.getValue());
      Files.createDirectories(target.getParent());
      try (InputStream in = loader.getResourceAsStream(asset.getKey())) {
        if (in == null) {
          throw new IllegalStateException("dashboard asset missing from the classpath: " + asset);
        }
        Files.copy(in, target);
      }
    }
    return new DashboardAssets(root);
  }

  Path root() {
    return root;
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(DashboardAssets::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
