package io.realtime.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.time.TaskScheduler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat and idle timers of many connections: one scheduler entry per protocol, whatever the
 * number of connections, and still each connection's own timing.
 */
class ProtocolTimersTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration PING = Duration.ofSeconds(30);
  private static final Duration IDLE = Duration.ofSeconds(300);
  private static final String PING_0 = "{\"type\":\"ping\",\"lastSeq\":0}";
  private static final int MANY = 20_000;

  private final ManualTime time = new ManualTime();
  private final ConnectionRegistry registry =
      ConnectionRegistry.builder()
          .deliveryExecutor(Runnable::run)
          .closeExecutor(Runnable::run)
          .build();
  private int ids;

  @AfterEach
  void shutdown() {
    registry.shutdown(Duration.ofMillis(200)).join();
  }

  private ClientProtocol protocol(TaskScheduler scheduler) {
    return ClientProtocol.builder(scheduler)
        .timeSource(time)
        .pingInterval(PING)
        .idleTimeout(IDLE)
        .build();
  }

  private RegisteredConnection register(RecordingConnection client) {
    return registry.register("events", client);
  }

  private RecordingConnection client() {
    return new RecordingConnection("ws-events-" + ++ids);
  }

  @Test
  void twentyThousandClosedConnectionsLeaveNoTimerQueuedPerConnection() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    try {
      // The default policy, as a host's executor has it: a cancelled task stays queued until due.
      ClientProtocol protocol =
          ClientProtocol.builder(TaskScheduler.of(executor))
              .pingInterval(PING)
              .idleTimeout(IDLE)
              .build();
      List<RegisteredConnection> open = new ArrayList<>(MANY);
      for (int i = 0; i < MANY; i++) {
        RegisteredConnection registered = register(client());
        protocol.open(registered);
        open.add(registered);
      }
      int queuedWhileOpen = executor.getQueue().size();

      open.forEach(registered -> registered.close(new CloseReason(1000, "bye")));
      CompletableFuture.allOf(
              open.stream()
                  .map(c -> c.closeFuture().toCompletableFuture())
                  .toArray(CompletableFuture[]::new))
          .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
          .join();

      int queuedAfterCloses = executor.getQueue().size();
      assertThat(List.of(queuedWhileOpen, queuedAfterCloses))
          .as("tasks queued while %,d connections are open, then after they closed", MANY)
          .allSatisfy(queued -> assertThat(queued).isLessThanOrEqualTo(1));
      assertThat(protocol.ticker().size()).as("sessions the ticker still holds").isZero();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void theTickerStopsOnceTheLastConnectionIsGone() {
    ClientProtocol protocol = protocol(time);
    List<RegisteredConnection> open = new ArrayList<>(MANY);
    for (int i = 0; i < MANY; i++) {
      RegisteredConnection registered = register(client());
      protocol.open(registered);
      open.add(registered);
    }
    assertThat(time.pendingTasks()).as("one entry for %,d connections", MANY).isEqualTo(1);

    open.forEach(registered -> registered.close(new CloseReason(1000, "bye")));
    await().atMost(WAIT).until(() -> open.stream().noneMatch(RegisteredConnection::isOpen));
    time.advance(PING);

    assertThat(protocol.ticker().size()).as("sessions the ticker still holds").isZero();
    assertThat(time.pendingTasks()).as("nothing left once every connection closed").isZero();
  }

  @Test
  void eachConnectionIsPingedEveryIntervalCountedFromItsOwnOpen() {
    ClientProtocol protocol = protocol(time);
    RecordingConnection first = client();
    protocol.open(register(first));
    time.advance(Duration.ofSeconds(10));
    RecordingConnection second = client();
    protocol.open(register(second));

    time.advance(Duration.ofSeconds(20));
    assertThat(first.texts()).containsExactly(PING_0);
    assertThat(second.texts()).isEmpty();

    time.advance(Duration.ofSeconds(10));
    assertThat(second.texts()).containsExactly(PING_0);

    time.advance(Duration.ofSeconds(20));
    assertThat(first.texts()).containsExactly(PING_0, PING_0);
    assertThat(second.texts()).hasSize(1);

    time.advance(Duration.ofSeconds(10));
    assertThat(second.texts()).containsExactly(PING_0, PING_0);
  }

  @Test
  void idleConnectionsCloseOnTimeAndActiveOnesStay() {
    ClientProtocol protocol = protocol(time);
    RecordingConnection quiet = client();
    RecordingConnection talking = client();
    protocol.open(register(quiet));
    ProtocolSession session = protocol.open(register(talking));

    time.advance(Duration.ofSeconds(200));
    session.onText("{\"type\":\"pong\"}");
    time.advance(Duration.ofSeconds(100).minusNanos(1));
    assertThat(quiet.closeReason()).isNull();

    time.advance(Duration.ofNanos(1));
    assertThat(quiet.awaitClose(WAIT)).isEqualTo(ProtocolSession.IDLE_TIMEOUT);
    assertThat(talking.closeReason()).as("its pong reset its timer").isNull();

    time.advance(Duration.ofSeconds(200));
    assertThat(talking.awaitClose(WAIT)).isEqualTo(ProtocolSession.IDLE_TIMEOUT);
  }

  @Test
  void aConnectionThatStoppedReadingDelaysNoOtherConnectionsTimers() {
    ClientProtocol protocol = protocol(time);
    RecordingConnection stalled = client();
    stalled.stall();
    RecordingConnection healthy = client();
    protocol.open(register(stalled));
    protocol.open(register(healthy));

    assertTimeoutPreemptively(WAIT, () -> time.advance(PING.multipliedBy(2)));
    assertThat(healthy.texts()).containsExactly(PING_0, PING_0);

    assertTimeoutPreemptively(WAIT, () -> time.advance(IDLE.minus(PING.multipliedBy(2))));
    assertThat(healthy.awaitClose(WAIT)).isEqualTo(ProtocolSession.IDLE_TIMEOUT);
    stalled.resume();
  }

  @Test
  void aConnectionWhoseHeartbeatThrowsIsClosedWith1011AndTheOthersKeepTheirTimers() {
    ClientProtocol protocol = protocol(time);
    RecordingConnection broken = client();
    RecordingConnection healthy = client();
    protocol.open(failingSends(register(broken)));
    protocol.open(register(healthy));

    time.advance(PING);

    assertThat(broken.awaitClose(WAIT)).isEqualTo(ProtocolSession.INTERNAL_ERROR);
    assertThat(healthy.texts()).containsExactly(PING_0);
    time.advance(PING);
    assertThat(healthy.texts()).containsExactly(PING_0, PING_0);
  }

  /** The connection, except that sending throws, as a broken codec would. */
  private static RegisteredConnection failingSends(RegisteredConnection connection) {
    return (RegisteredConnection)
        Proxy.newProxyInstance(
            RegisteredConnection.class.getClassLoader(),
            new Class<?>[] {RegisteredConnection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("send")) {
                throw new IllegalStateException("encoder bug (expected by the test)");
              }
              try {
                return method.invoke(connection, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aSchedulerThatShutsDownStopsTheTicker() {
    RejectingScheduler scheduler = new RejectingScheduler(time);
    ClientProtocol protocol = protocol(scheduler);
    RecordingConnection client = client();
    protocol.open(register(client));

    scheduler.shutDown = true;
    time.advance(PING);

    assertThat(client.texts()).as("the tick that was due still ran").containsExactly(PING_0);
    assertThat(time.pendingTasks()).as("and scheduled nothing more").isZero();
    assertThatThrownBy(() -> protocol.open(register(client())))
        .as("a connection opened after the shutdown gets no timers, as before")
        .isInstanceOf(RejectedExecutionException.class);
  }

  /** A scheduler that refuses tasks once shut down, as an executor does. */
  private static final class RejectingScheduler implements TaskScheduler {
    private final TaskScheduler delegate;
    volatile boolean shutDown;

    RejectingScheduler(TaskScheduler delegate) {
      this.delegate = delegate;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
      if (shutDown) {
        throw new RejectedExecutionException("scheduler shut down");
      }
      return delegate.schedule(task, delay);
    }
  }
}
