package io.realtime.health;

import io.realtime.broadcast.Broadcaster;
import io.realtime.internal.util.Backoff;
import io.realtime.internal.util.Durations;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.internal.util.OwnedScheduler;
import io.realtime.internal.util.TimedCall;
import io.realtime.message.Envelope;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks services periodically (every 15 s by default) and announces changes as {@code
 * service_status} through a {@link Broadcaster} (the events channel, as the original).
 *
 * <ul>
 *   <li>A status is sent only when it changes: {@code unhealthy} when a check fails, {@code
 *       healthy} with {@code Service recovered} when it passes again. A first healthy check sends
 *       nothing.
 *   <li>A service with a {@link RestartHook} is restarted after {@code backoff * 2^(failures-1)}:
 *       {@code restarting} ({@code Attempting restart (attempt k/N)}), then a check after a short
 *       delay: {@code healthy} ({@code Service restarted successfully}) or {@code restart_failed}.
 *       Past the retry limit: {@code failed} ({@code Max retries (N) exceeded, manual intervention
 *       required}) and no more restarts until the service recovers.
 *   <li>The last 100 events are kept ({@link #recentEvents}).
 * </ul>
 *
 * <p>Checks and restarts run on an executor with a timeout, never on the scheduler's thread.
 */
public final class HealthMonitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  private final Broadcaster publisher;
  private final Map<String, Service> services;
  private final Duration interval;
  private final Duration checkTimeout;
  private final int maxRetries;
  private final Duration backoff;
  private final Duration verifyDelay;
  private final int historySize;
  private final TimeSource time;
  private final TaskScheduler scheduler;
  private final Executor executor;
  private final OwnedScheduler<TaskScheduler> ownedScheduler;
  private final ExecutorService ownedExecutor;
  private final ArrayDeque<HealthEvent> history = new ArrayDeque<>();
  private TaskScheduler.Cancellable nextRound;
  private boolean closed;

  private HealthMonitor(Builder builder) {
    this.publisher = builder.publisher;
    Map<String, Service> copy = new LinkedHashMap<>();
    builder.services.forEach(
        (name, service) -> copy.put(name, new Service(name, service.check, service.restart)));
    this.services = Collections.unmodifiableMap(copy);
    this.interval = builder.interval;
    this.checkTimeout = builder.checkTimeout;
    this.maxRetries = builder.maxRetries;
    this.backoff = builder.backoff;
    this.verifyDelay = builder.verifyDelay;
    this.historySize = builder.historySize;
    this.time = builder.time;
    this.ownedScheduler =
        new OwnedScheduler<>(builder.scheduler, "realtime-health", TaskScheduler::of);
    this.scheduler = ownedScheduler.scheduler();
    if (builder.executor == null) {
      ownedExecutor =
          Executors.newCachedThreadPool(new NamedThreadFactory("realtime-health-check"));
      executor = ownedExecutor;
    } else {
      ownedExecutor = null;
      executor = builder.executor;
    }
  }

  /**
   * Returns a builder.
   *
   * @param publisher where {@code service_status} messages go, usually the event broadcaster
   * @return the builder
   */
  public static Builder builder(Broadcaster publisher) {
    return new Builder(publisher);
  }

  /** Starts the periodic checks; the first round runs at once. */
  public synchronized void start() {
    if (!closed && nextRound == null) {
      nextRound = scheduler.schedule(this::round, Duration.ZERO);
    }
  }

  private void round() {
    try {
      checkNow();
    } finally {
      synchronized (this) {
        if (!closed) {
          nextRound = scheduler.schedule(this::round, interval);
        }
      }
    }
  }

  /**
   * Checks every service that is not being restarted, now.
   *
   * @return a stage completing once every check was handled
   */
  public CompletableFuture<Void> checkNow() {
    List<CompletableFuture<Void>> checks = new ArrayList<>();
    for (Service service : services.values()) {
      if (service.startCheck()) {
        checks.add(
            call(service.check::check, "Health check timed out", "Health check error: ")
                .thenAccept(result -> handleCheck(service, result, false)));
      }
    }
    return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
  }

  /** Runs a check or restart off the scheduler, with a timeout; never completes exceptionally. */
  private <T> CompletableFuture<Outcome<T>> call(
      Callable<T> work, String timeoutMessage, String errorPrefix) {
    return TimedCall.<T>call(
            work, executor, checkTimeout, (task, delay) -> scheduler.schedule(task, delay)::cancel)
        .handle(
            (value, error) -> {
              if (error == null) {
                return Outcome.of(value);
              }
              return error instanceof TimeoutException
                  ? Outcome.failed(timeoutMessage, error)
                  : Outcome.failed(errorPrefix + error.getMessage(), error);
            });
  }

  private void handleCheck(
      Service service, Outcome<HealthCheckResult> outcome, boolean afterRestart) {
    boolean healthy = outcome.value() != null && outcome.value().healthy();
    if (healthy) {
      String message = afterRestart ? "Service restarted successfully" : "Service recovered";
      boolean wasDown = service.recovered();
      if (wasDown) {
        announce(service, "healthy", message, HealthEvent.Type.RECOVERY);
      }
      return;
    }
    String message =
        outcome.value() != null
            ? Objects.requireNonNullElse(outcome.value().message(), "Health check failed")
            : outcome.error();
    if (afterRestart) {
      service.finishRestart();
      announce(
          service,
          "restart_failed",
          "Service still unhealthy after restart: " + message,
          HealthEvent.Type.FAILURE);
      return;
    }
    if (service.hasFailed()) {
      service.finishCheck(); // retries ran out: quiet until it recovers
      return;
    }
    announce(service, "unhealthy", message, HealthEvent.Type.FAILURE);
    if (service.restart == null) {
      service.finishCheck();
      return;
    }
    int failures = service.countFailure();
    if (failures > maxRetries) {
      service.finishCheck();
      announce(
          service,
          "failed",
          "Max retries (" + maxRetries + ") exceeded, manual intervention required",
          HealthEvent.Type.FAILURE);
      return;
    }
    Duration delay = Backoff.ceiling(backoff, Backoff.UNCAPPED, failures - 1);
    scheduler.schedule(() -> restart(service, failures), delay);
  }

  private void restart(Service service, int attempt) {
    announce(
        service,
        "restarting",
        "Attempting restart (attempt " + attempt + "/" + maxRetries + ")",
        HealthEvent.Type.RESTART);
    call(service.restart::restart, "restart timed out", "")
        .thenAccept(
            outcome -> {
              if (Boolean.TRUE.equals(outcome.value())) {
                scheduler.schedule(
                    () ->
                        call(service.check::check, "Health check timed out", "Health check error: ")
                            .thenAccept(result -> handleCheck(service, result, true)),
                    verifyDelay);
              } else {
                service.finishRestart();
                String why = outcome.value() == null ? outcome.error() : "restart command failed";
                announce(
                    service, "restart_failed", "Restart failed: " + why, HealthEvent.Type.FAILURE);
              }
            });
  }

  /** Sends a status if it differs from the last one sent, and records the event. */
  private void announce(Service service, String status, String message, HealthEvent.Type type) {
    if (!service.changeStatus(status)) {
      return;
    }
    HealthEvent event = new HealthEvent(time.now(), service.name, type, message);
    synchronized (history) {
      if (history.size() == historySize) {
        history.removeFirst();
      }
      history.addLast(event);
    }
    log.info("Service {} is {}: {}", service.name, status, message);
    try {
      publisher
          .publish(
              Envelope.serviceStatus(
                  ServiceStatus.of(service.name, status, message), event.timestamp()))
          .whenComplete(
              (ignored, error) -> {
                if (error != null) {
                  log.warn("Announcing {} of {} failed", status, service.name, error);
                }
              });
    } catch (RuntimeException e) {
      log.warn("Announcing {} of {} failed", status, service.name, e);
    }
  }

  /**
   * Returns the latest events, newest first.
   *
   * @param limit the most events returned
   * @return the events
   */
  public List<HealthEvent> recentEvents(int limit) {
    synchronized (history) {
      List<HealthEvent> events = new ArrayList<>(history);
      Collections.reverse(events);
      return List.copyOf(events.subList(0, Math.min(Math.max(limit, 0), events.size())));
    }
  }

  /**
   * Returns every service's state.
   *
   * @return service name to state, in registration order
   */
  public Map<String, ServiceHealth> status() {
    Map<String, ServiceHealth> status = new LinkedHashMap<>();
    services.forEach((name, service) -> status.put(name, service.health(maxRetries)));
    return status;
  }

  /**
   * Returns each checked service's last status, for {@code system_status.services}; usable as a
   * metric source ({@code sources.services(monitor::serviceStates)}).
   *
   * @return service name to status, services not checked yet left out
   */
  public Map<String, String> serviceStates() {
    Map<String, String> states = new LinkedHashMap<>();
    services.forEach(
        (name, service) -> {
          String status = service.health(maxRetries).status();
          if (status != null) {
            states.put(name, status);
          }
        });
    return states;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (nextRound != null) {
        nextRound.cancel();
      }
    }
    ownedScheduler.close();
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private record Outcome<T>(T value, String error) {
    static <T> Outcome<T> of(T value) {
      return new Outcome<>(value, null);
    }

    static <T> Outcome<T> failed(String error, Throwable cause) {
      return new Outcome<>(null, error);
    }
  }

  /** One service's mutable state, guarded by itself. */
  private static final class Service {
    private final String name;
    private final HealthCheck check;
    private final RestartHook restart;
    private String status;
    private int failures;
    private boolean busy;

    private Service(String name, HealthCheck check, RestartHook restart) {
      this.name = name;
      this.check = check;
      this.restart = restart;
    }

    /** Claims the service for a check; {@code false} while a check or restart is under way. */
    synchronized boolean startCheck() {
      if (busy) {
        return false;
      }
      busy = true;
      return true;
    }

    synchronized void finishCheck() {
      busy = false;
    }

    synchronized void finishRestart() {
      busy = false;
    }

    synchronized boolean hasFailed() {
      return "failed".equals(status);
    }

    synchronized int countFailure() {
      return ++failures;
    }

    /** The service passed: clears the failures; tells whether it was down before. */
    synchronized boolean recovered() {
      busy = false;
      failures = 0;
      boolean wasDown = status != null && !status.equals("healthy");
      if (status == null) {
        status = "healthy";
      }
      return wasDown;
    }

    synchronized boolean changeStatus(String next) {
      if (next.equals(status)) {
        return false;
      }
      status = next;
      return true;
    }

    synchronized ServiceHealth health(int maxRetries) {
      return new ServiceHealth(status, failures, maxRetries);
    }
  }

  /** Builds a {@link HealthMonitor}. Not thread-safe. */
  public static final class Builder {
    private final Broadcaster publisher;
    private final Map<String, Registration> services = new LinkedHashMap<>();
    private Duration interval = Duration.ofSeconds(15);
    private Duration checkTimeout = Duration.ofSeconds(5);
    private int maxRetries = 3;
    private Duration backoff = Duration.ofSeconds(5);
    private Duration verifyDelay = Duration.ofSeconds(2);
    private int historySize = 100;
    private TimeSource time = TimeSource.system();
    private TaskScheduler scheduler;
    private Executor executor;

    private Builder(Broadcaster publisher) {
      this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /**
     * Registers a service without restart.
     *
     * @param name the service name
     * @param check its check
     * @return this builder
     */
    public Builder service(String name, HealthCheck check) {
      return service(name, check, null);
    }

    /**
     * Registers a service.
     *
     * @param name the service name
     * @param check its check
     * @param restart its restart hook, or {@code null}
     * @return this builder
     */
    public Builder service(String name, HealthCheck check, RestartHook restart) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("service name must not be blank, got '" + name + "'");
      }
      if (services.putIfAbsent(
              name, new Registration(Objects.requireNonNull(check, "check"), restart))
          != null) {
        throw new IllegalArgumentException("service " + name + " is already registered");
      }
      return this;
    }

    /**
     * Sets the check interval; 15 s by default.
     *
     * @param interval a positive duration
     * @return this builder
     */
    public Builder interval(Duration interval) {
      this.interval = Durations.requirePositive("interval", interval);
      return this;
    }

    /**
     * Sets the time a check or restart gets; 5 s by default.
     *
     * @param checkTimeout a positive duration
     * @return this builder
     */
    public Builder checkTimeout(Duration checkTimeout) {
      this.checkTimeout = Durations.requirePositive("checkTimeout", checkTimeout);
      return this;
    }

    /**
     * Sets the retry limit and the restart backoff base; 3 and 5 s by default.
     *
     * @param maxRetries restarts before {@code failed}, at least 1
     * @param backoff the first restart delay, doubled at each failure
     * @return this builder
     */
    public Builder restarts(int maxRetries, Duration backoff) {
      if (maxRetries < 1) {
        throw new IllegalArgumentException("maxRetries must be >= 1, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      this.backoff = Durations.requirePositive("backoff", backoff);
      return this;
    }

    /**
     * Sets how long after a restart the service is checked again; 2 s by default.
     *
     * @param verifyDelay a positive duration
     * @return this builder
     */
    public Builder verifyDelay(Duration verifyDelay) {
      this.verifyDelay = Durations.requirePositive("verifyDelay", verifyDelay);
      return this;
    }

    /**
     * Sets how many events the history keeps; 100 by default.
     *
     * @param historySize at least 1
     * @return this builder
     */
    public Builder historySize(int historySize) {
      if (historySize < 1) {
        throw new IllegalArgumentException("historySize must be >= 1, got " + historySize);
      }
      this.historySize = historySize;
      return this;
    }

    /**
     * Sets the clocks.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Sets where rounds, timeouts and restarts are scheduled; an owned daemon thread by default.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets where checks and restarts run; an owned pool of daemon threads by default.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the monitor; call {@link HealthMonitor#start()} to begin.
     *
     * @return the monitor
     */
    public HealthMonitor build() {
      return new HealthMonitor(this);
    }

    private record Registration(HealthCheck check, RestartHook restart) {}
  }
}
