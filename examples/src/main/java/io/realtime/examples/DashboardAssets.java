package io.realtime.examples;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's files, read from the classpath once at start-up and served from memory at fixed
 * paths: nothing is looked up on disk, so no request path can reach any other file. Every asset
 * ships in the jar, so the page works with no network beyond the launcher.
 */
final class DashboardAssets {

  /** A file of the dashboard and its media type. */
  record Asset(byte[] content, String contentType) {}

  private static final String HTML = "text/html; charset=utf-8";
  private static final String JAVASCRIPT = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";

  /** Served path to its classpath resource and media type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/index.html",
          new String[] {"dashboard/index.html", HTML},
          "/dashboard.css",
          new String[] {"dashboard/dashboard.css", CSS},
          "/dashboard.js",
          new String[] {"dashboard/dashboard.js", JAVASCRIPT},
          "/realtime/realtime-client.js",
          new String[] {"META-INF/resources/realtime/realtime-client.js", JAVASCRIPT});

  private final Map<String, Asset> assets;

  private DashboardAssets(Map<String, Asset> assets) {
    this.assets = Map.copyOf(assets);
  }

  /**
   * Reads the assets from the classpath.
   *
   * @return the assets
   * @throws IOException if one cannot be read
   * @throws IllegalStateException if an asset is missing from the classpath
   */
  static DashboardAssets load() throws IOException {
    ClassLoader loader = DashboardAssets.class.getClassLoader();
    Map<String, Asset> assets = new HashMap<>();
    for (Map.Entry<String, String[]> file : FILES.entrySet()) {
      String resource = file.getValue()[0];
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "dashboard asset missing from the classpath: " + resource);
        }
        assets.put(file.getKey(), new Asset(in.readAllBytes(), file.getValue()[1]));
      }
    }
    assets.put("/", assets.get("/index.html"));
    return new DashboardAssets(assets);
  }

  /**
   * Finds the asset served at a path.
   *
   * @param path a request path such as {@code /} or {@code /dashboard.js}, compared exactly
   * @return the asset, if one is served there
   */
  Optional<Asset> find(String path) {
    return Optional.ofNullable(assets.get(path));
  }
}
