package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.redis.RedisServer;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import redis.clients.jedis.Jedis;

/**
 * The dashboard in a real headless Chromium, served by the shaded launcher jar on a private Redis
 * (which the tests kill) and the machine's PostgreSQL. The tests share one page and run in order:
 * each leaves the page connected for the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

  private final LauncherProcesses launchers = new LauncherProcesses();
  private final AtomicLong eventIds = new AtomicLong(900_000);
  private RedisServer redis;
  private int port;
  private Process launcher;
  private ChromeDriver browser;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServer.start();
    port = LauncherProcesses.freePort();
    launcher = startLauncher();
    browser = HeadlessChromium.start();
    // Runs before the page's own scripts (DevTools is not bound by the page's policy) and keeps
    // every Content-Security-Policy violation the page reports.
    browser.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument",
        Map.of(
            "source",
            "window.__cspViolations = [];"
                + "document.addEventListener('securitypolicyviolation', (e) =>"
                + " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              browser.get("http://127.0.0.1:" + port + "/");
              return true;
            });
  }

  private Process startLauncher() throws IOException {
    return launchers.launch(
        "--port",
        Integer.toString(port),
        "--redis",
        "redis://127.0.0.1:" + redis.port(),
        "--status-interval",
        "500ms",
        "--breaker-recovery",
        "2s",
        "--postgres",
        POSTGRES);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    launchers.close();
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  @Order(1)
  void thePageLoadsAndConnects() {
    assertThat(browser.getTitle()).isEqualTo("realtime dashboard");
    awaitConnected(Duration.ofSeconds(20));
    assertThat(browser.findElement(By.id("degraded-banner")).isDisplayed()).isFalse();
    assertThat(cspViolations())
        .as("the launcher's Content-Security-Policy lets the page be")
        .isEmpty();
  }

  @Test
  @Order(2)
  void anEventPublishedToRedisAppearsInTheFeedWithinTwoSeconds() {
    awaitConnected(Duration.ofSeconds(20));
    long id = eventIds.incrementAndGet();
    String event =
        "{\"type\":\"event\",\"data\":{\"id\":"
            + id
            + ",\"event_id\":"
            + id
            + ",\"batch_id\":\"b"
            + id
            + "\",\"camera_id\":\"side_gate\",\"risk_score\":91,\"risk_level\":\"critical\","
            + "\"summary\":\"Published straight to Redis\",\"started_at\":null}}";
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      assertThat(jedis.publish("security_events", event)).isPositive();
    }

    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !feedItems("[data-event-id='" + id + "']").isEmpty());
    WebElement item = feedItems("[data-event-id='" + id + "']").get(0);
    assertThat(item.getAttribute("class")).isEqualTo("risk-critical");
    assertThat(item.getText()).contains("91", "side_gate", "Published straight to Redis");
  }

  @Test
  @Order(3)
  void theStatusPanelsUpdate() throws Exception {
    for (String panel : List.of("gpu", "host", "postgres", "redis")) {
      int before = updates(panel);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(updates(panel)).isGreaterThan(before + 1));
      WebElement element = browser.findElement(By.id("panel-" + panel));
      assertThat(element.getAttribute("data-status")).as(panel).isNotEqualTo("absent");
      assertThat(element.findElement(By.cssSelector("polyline")).getAttribute("points"))
          .as(panel + " sparkline")
          .isNotBlank();
    }
    assertThat(browser.findElement(By.id("panel-postgres")).getAttribute("data-status"))
        .isEqualTo("healthy");
    assertThat(browser.findElement(By.id("panel-redis")).getText()).contains("clients");
    assertThat(browser.findElements(By.cssSelector("#services li"))).isNotEmpty();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !browser.findElement(By.id("risk-gauge-score")).getText().equals("–"));
    Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  @Order(4)
  void theJobLogViewerFollowsAJob() {
    browser.findElement(By.id("job-id")).sendKeys("demo-1");
    browser.findElement(By.id("job-open")).click();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> browser.findElement(By.id("job-log")).getText().contains("Encoding clips"));
    assertThat(browser.findElement(By.id("job-state")).getText()).isIn("open", "closed");
  }

  @Test
  @Order(5)
  void afterAServerRestartThePageReconnectsAndMissesNoEvent() throws Exception {
    awaitConnected(Duration.ofSeconds(20));
    launcher.destroy(); // SIGTERM: a graceful stop
    assertThat(launcher.waitFor(15, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> !"open".equals(connectionState()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> browser.findElement(By.id("connection-detail")).getText().contains("retry in"));

    // Another instance goes on publishing while this one is down.
    List<Long> publishedMeanwhile = List.of(nextId(), nextId(), nextId());
    try (RedisTransport transport =
            RedisTransport.create(
                RedisTransportConfig.builder().uri("redis://127.0.0.1:" + redis.port()).build());
        EventBroadcaster other =
            EventBroadcaster.builder(transport, ConnectionRegistry.builder().build()).build()) {
      other.start();
      // start() returns before Redis confirms; a publish before the instance follows would wait
      // in its outbox, and closing it right after would leave it there
      await().atMost(Duration.ofSeconds(10)).until(other::isLive);
      for (long id : publishedMeanwhile) {
        other.publish(event(id)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
    }

    launcher = startLauncher();
    awaitConnected(Duration.ofSeconds(60));
    for (long id : publishedMeanwhile) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !feedItems("[data-event-id='" + id + "']").isEmpty());
    }
    assertGapless(seqsOfTheCurrentEpoch());
  }

  @Test
  @Order(6)
  void killingRedisShowsTheDegradedBannerWhichClearsWhenRedisReturns() throws Exception {
    awaitConnected(Duration.ofSeconds(20));
    WebElement banner = browser.findElement(By.id("degraded-banner"));
    assertThat(banner.isDisplayed()).isFalse();

    redis.kill();
    await().atMost(Duration.ofSeconds(45)).until(banner::isDisplayed);
    assertThat(banner.getText()).contains("Degraded mode");
    assertThat(connectionState()).as("the page stays connected to the launcher").isEqualTo("open");

    redis.launch();
    await().atMost(Duration.ofSeconds(45)).until(() -> !banner.isDisplayed());
    assertThat(connectionState()).isEqualTo("open");
  }

  @Test
  @Order(7)
  void thePolicyIsEnforcedAndNothingTheDashboardDoesViolatesIt() {
    awaitConnected(Duration.ofSeconds(20));
    assertThat(cspViolations()).isEmpty();

    Object ran =
        browser.executeScript(
            "const s = document.createElement('script');"
                + "s.textContent = 'window.__inlineRan = true';"
                + "document.head.append(s);"
                + "return window.__inlineRan === true;");

    assertThat(ran).as("an inline script runs under the policy").isEqualTo(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> !cspViolations().isEmpty());
    assertThat(cspViolations()).allMatch(violation -> violation.startsWith("script-src"));
  }

  @SuppressWarnings("unchecked")
  private List<String> cspViolations() {
    return (List<String>)
        browser.executeScript("return window.__cspViolations ?? ['not recorded'];");
  }

  private long nextId() {
    return eventIds.incrementAndGet();
  }

  private static Envelope event(long id) {
    return Envelope.event(
        SecurityEvent.of(
            id,
            id,
            "b" + id,
            "loading_dock",
            40,
            RiskLevel.MEDIUM,
            "Published while the launcher was down",
            Instant.now().toString()));
  }

  private List<Long> seqsOfTheCurrentEpoch() {
    List<WebElement> items = feedItems("[data-seq]");
    String epoch = items.get(0).getAttribute("data-epoch");
    return items.stream()
        .filter(item -> epoch.equals(item.getAttribute("data-epoch")))
        .map(item -> Long.parseLong(item.getAttribute("data-seq")))
        .toList();
  }

  /** Newest first, each exactly one below the one before. */
  private static void assertGapless(List<Long> seqs) {
    assertThat(seqs).hasSizeGreaterThan(3);
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).as("after seq %d", seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) - 1);
    }
  }

  private List<WebElement> feedItems(String filter) {
    return browser.findElements(By.cssSelector("#event-feed li" + filter));
  }

  private int updates(String panel) {
    return Integer.parseInt(
        browser.findElement(By.id("panel-" + panel)).getAttribute("data-updates"));
  }

  private String connectionState() {
    return browser.findElement(By.id("connection-state")).getAttribute("data-state");
  }

  private void awaitConnected(Duration within) {
    await().atMost(within).until(() -> "open".equals(connectionState()));
  }
}
