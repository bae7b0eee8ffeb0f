package io.realtime.examples;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.metrics.LatencyTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pretend AI pipeline for the demo: cameras emit security events with varied risk every few
 * seconds, and a demo job writes its log line by line, then completes, then starts again.
 */
final class PipelineSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PipelineSimulator.class);
  private static final List<String> CAMERAS =
      List.of("front_door", "driveway", "backyard", "garage");
  private static final List<String> SCENES =
      List.of(
          "Person detected near entrance",
          "Vehicle in driveway",
          "Animal crossing the yard",
          "Package delivered",
          "Unknown person lingering at night",
          "Door opened");

  private final EventBroadcaster events;
  private final JobLogEmitter jobs;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "demo-pipeline");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicLong eventIds = new AtomicLong(System.currentTimeMillis() % 1_000_000);
  private final AtomicLong jobRuns = new AtomicLong();

  private final LatencyTracker latencies;

  PipelineSimulator(EventBroadcaster events, JobLogEmitter jobs, LatencyTracker latencies) {
    this.events = events;
    this.jobs = jobs;
    this.latencies = latencies;
  }

  void start() {
    scheduleEvent(Duration.ofMillis(500));
    timer.execute(this::runDemoJob);
  }

  private void scheduleEvent(Duration delay) {
    timer.schedule(
        () -> {
          publishEvent();
          scheduleEvent(Duration.ofMillis(ThreadLocalRandom.current().nextLong(1_500, 4_000)));
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void publishEvent() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double detector = random.nextDouble(25, 180);
    double llm = random.nextDouble(800, 6_000);
    latencies.record(LatencyTracker.DETECTOR, detector);
    latencies.record(LatencyTracker.LLM, llm);
    latencies.record(LatencyTracker.PIPELINE, detector + llm + random.nextDouble(5, 50));
    int score = random.nextInt(101);
    RiskLevel level =
        score >= 85
            ? RiskLevel.CRITICAL
            : score >= 60 ? RiskLevel.HIGH : score >= 30 ? RiskLevel.MEDIUM : RiskLevel.LOW;
    long id = eventIds.incrementAndGet();
    SecurityEvent event =
        SecurityEvent.of(
            id,
            id,
            "batch-" + Long.toHexString(id),
            CAMERAS.get(random.nextInt(CAMERAS.size())),
            score,
            level,
            SCENES.get(random.nextInt(SCENES.size())),
            Instant.now().toString());
    try {
      events.publish(Envelope.event(event));
    } catch (RuntimeException e) {
      log.warn("Demo event not published: {}", e.toString());
    }
  }

  /** The demo job: a start line, ten progress lines a second apart, completion, and again. */
  private void runDemoJob() {
    String jobId = "demo-" + jobRuns.incrementAndGet();
    jobs.started(jobId, "export", Map.of("cameras", CAMERAS.size()));
    for (int step = 1; step <= 10; step++) {
      int percent = step * 10;
      timer.schedule(
          () -> jobs.progress(jobId, percent, "Encoding clips", percent / 10, 10),
          step,
          TimeUnit.SECONDS);
    }
    timer.schedule(
        () -> jobs.completed(jobId, Map.of("clips", 10), Duration.ofSeconds(11)),
        11,
        TimeUnit.SECONDS);
    timer.schedule(this::runDemoJob, 15, TimeUnit.SECONDS);
    log.info("Demo job {} started: ws://.../ws/jobs/{}/logs", jobId, jobId);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
