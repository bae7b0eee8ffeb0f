package io.realtime.examples;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven by Debian's chromedriver (both installed by {@code .ci/run}). The paths
 * are explicit, so Selenium Manager never tries to download a browser; a missing one fails the
 * test.
 */
final class HeadlessChromium {

  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  static ChromeDriver start() throws Exception {
    for (File required : new File[] {CHROMIUM, CHROMEDRIVER}) {
      if (!required.canExecute()) {
        throw new IllegalStateException(
            required + " is missing: install Debian's chromium and chromium-driver (.ci/run does)");
      }
    }
    Path profile = Files.createTempDirectory("realtime-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        // The machine's network is closed: without these Chromium keeps dialling Google.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    return new ChromeDriver(service, options);
  }
}
