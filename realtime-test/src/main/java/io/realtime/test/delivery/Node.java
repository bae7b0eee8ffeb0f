package io.realtime.test.delivery;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.EventBroadcasterBuilder;
import io.realtime.broadcast.PublishReceipt;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.ConnectionRegistryBuilder;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.protocol.ClientProtocol;
import io.realtime.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One server instance: a transport from the factory, a registry, an event broadcaster and the
 * client protocol, assembled with the public builders as a host does.
 */
final class Node {

  /** What a running instance is made of. */
  record Live(
      FaultableTransport transport,
      ConnectionRegistry registry,
      EventBroadcaster broadcaster,
      ClientProtocol protocol,
      ExecutorService resyncs) {}

  /** How instances are assembled. */
  record Assembly(
      TransportFactory transports,
      String transportChannel,
      Consumer<ConnectionRegistryBuilder> registry,
      Consumer<EventBroadcasterBuilder> broadcaster,
      Duration pingInterval,
      ScheduledExecutorService scheduler) {}

  private static final AtomicInteger RESYNC_THREADS = new AtomicInteger();
  private static final MessageCodec CODEC = MessageCodec.json();

  final int index;
  private final Assembly assembly;
  private volatile Live live;

  Node(int index, Assembly assembly) {
    this.index = index;
    this.assembly = assembly;
  }

  Live live() {
    return live;
  }

  MessageCodec codec() {
    return CODEC;
  }

  synchronized void start() throws Exception {
    if (live != null) {
      return;
    }
    FaultableTransport transport = new FaultableTransport(assembly.transports().create(index));
    ConnectionRegistryBuilder registryBuilder = ConnectionRegistry.builder().codec(CODEC);
    assembly.registry().accept(registryBuilder);
    ConnectionRegistry registry = registryBuilder.build();
    EventBroadcasterBuilder broadcasterBuilder =
        EventBroadcaster.builder(transport, registry).transportChannel(assembly.transportChannel());
    assembly.broadcaster().accept(broadcasterBuilder);
    EventBroadcaster broadcaster = broadcasterBuilder.build();
    // As RealtimeWebSocket: resyncs run on a small pool of their own, never on the caller.
    ExecutorService resyncs =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread =
                  new Thread(task, "delivery-check-resync-" + RESYNC_THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    ClientProtocol protocol =
        ClientProtocol.builder(TaskScheduler.of(assembly.scheduler()))
            .codec(CODEC)
            .pingInterval(assembly.pingInterval())
            .resyncSource(broadcaster)
            .resyncExecutor(resyncs)
            .build();
    broadcaster.start();
    live = new Live(transport, registry, broadcaster, protocol, resyncs);
  }

  /** Stops as a server shutting down; what stopping fails at is ignored, the next start is new. */
  synchronized void stop() {
    Live stopping = live;
    if (stopping == null) {
      return;
    }
    live = null;
    stopping.broadcaster().close();
    stopping.registry().shutdown(Duration.ofSeconds(2)).join();
    stopping.resyncs().shutdownNow();
    stopping.transport().close();
  }

  /**
   * Publishes an event carrying {@code id}, or returns {@code null} when the instance is down.
   *
   * @throws IllegalStateException if the instance is closing
   */
  CompletionStage<PublishReceipt> publish(long id) {
    Live running = live;
    if (running == null) {
      return null;
    }
    return running
        .broadcaster()
        .publish(
            Envelope.event(
                SecurityEvent.of(
                    id,
                    id,
                    "delivery-check",
                    "instance-" + index,
                    10,
                    RiskLevel.LOW,
                    "delivery check " + id,
                    null)));
  }
}
