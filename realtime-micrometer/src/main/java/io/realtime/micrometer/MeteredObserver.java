package io.realtime.micrometer;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.realtime.observe.RealtimeObserver;
import io.realtime.observe.RefusalReason;
import io.realtime.observe.ResyncOutcome;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The observer of {@link RealtimeMetrics}: counts in its own adders, which function counters and
 * gauges read, so nothing observed before a registry is bound is lost; the queue-depth summary and
 * the publish timer record into the registries bound so far.
 */
final class MeteredObserver implements RealtimeObserver {

  private final Map<String, ChannelCounts> channels = new ConcurrentHashMap<>();
  private final LongAdder slowConsumerCloses = new LongAdder();
  private final Map<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);
  private final Map<ResyncOutcome, LongAdder> resyncs = new EnumMap<>(ResyncOutcome.class);

  /** The registries bound, copied on write: read on every event. */
  private volatile Bound[] bound = new Bound[0];

  MeteredObserver() {
    for (RefusalReason reason : RefusalReason.values()) {
      refused.put(reason, new LongAdder());
    }
    for (ResyncOutcome outcome : ResyncOutcome.values()) {
      resyncs.put(outcome, new LongAdder());
    }
  }

  /** One channel tag's counts. */
  private static final class ChannelCounts {
    private final String tag;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder sent = new LongAdder();
    private final LongAdder conflated = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    private ChannelCounts(String tag) {
      this.tag = tag;
    }

    private void registerIn(MeterRegistry registry) {
      Gauge.builder(RealtimeMetrics.CONNECTIONS, open, AtomicInteger::get)
          .tag("channel", tag)
          .description("Open connections")
          .baseUnit("connections")
          .register(registry);
      counter(registry, RealtimeMetrics.MESSAGES_SENT, sent, "Messages written to connections");
      counter(
          registry,
          RealtimeMetrics.MESSAGES_CONFLATED,
          conflated,
          "Latest-value messages replaced unsent by a newer one of their type");
      counter(
          registry,
          RealtimeMetrics.MESSAGES_DROPPED,
          dropped,
          "Queued messages discarded unsent because their connection closed");
    }

    private void counter(MeterRegistry registry, String name, LongAdder adder, String what) {
      FunctionCounter.builder(name, adder, LongAdder::sum)
          .tag("channel", tag)
          .description(what)
          .baseUnit("messages")
          .register(registry);
    }
  }

  /** A bound registry and the meters that record directly into it. */
  private static final class Bound {
    private final MeterRegistry registry;
    private final DistributionSummary queueDepth;
    private final Map<String, Timer> publishTimers = new ConcurrentHashMap<>();

    private Bound(MeterRegistry registry) {
      this.registry = registry;
      this.queueDepth =
          DistributionSummary.builder(RealtimeMetrics.QUEUE_DEPTH)
              .description("A connection's outbound queue, sampled after each message queued")
              .baseUnit("messages")
              .register(registry);
    }

    private Timer publishTimer(String transport, String operation, boolean succeeded) {
      String key = transport + '\0' + operation + '\0' + succeeded;
      Timer timer = publishTimers.get(key);
      if (timer == null) {
        timer =
            publishTimers.computeIfAbsent(
                key,
                k ->
                    Timer.builder(RealtimeMetrics.TRANSPORT_PUBLISH)
                        .tag("transport", transport)
                        .tag("operation", operation)
                        .tag("outcome", succeeded ? "success" : "failure")
                        .description("How long a transport append or publish took")
                        .register(registry));
      }
      return timer;
    }
  }

  /** Registers the meters in a registry; every channel seen so far and every one seen later. */
  synchronized void bindTo(MeterRegistry registry) {
    Bound[] now = bound;
    for (Bound b : now) {
      if (b.registry == registry) {
        return;
      }
    }
    Bound added = new Bound(registry);
    FunctionCounter.builder(
            RealtimeMetrics.SLOW_CONSUMER_CLOSES, slowConsumerCloses, LongAdder::sum)
        .description("Connections closed with 1013 for not reading fast enough")
        .baseUnit("connections")
        .register(registry);
    refused.forEach(
        (reason, adder) ->
            FunctionCounter.builder(RealtimeMetrics.REFUSED, adder, LongAdder::sum)
                .tag("reason", reason.tagValue())
                .description("Connections refused before registration")
                .baseUnit("connections")
                .register(registry));
    resyncs.forEach(
        (outcome, adder) ->
            FunctionCounter.builder(RealtimeMetrics.RESYNCS, adder, LongAdder::sum)
                .tag("outcome", outcome.tagValue())
                .description("Resyncs answered, by what the resync_ack said")
                .register(registry));
    channels.values().forEach(counts -> counts.registerIn(registry));
    Bound[] next = Arrays.copyOf(now, now.length + 1);
    next[now.length] = added;
    bound = next;
  }

  private ChannelCounts channel(String channel) {
    String tag = RealtimeMetrics.channelTag(channel);
    ChannelCounts counts = channels.get(tag);
    return counts != null ? counts : newChannel(tag);
  }

  /** Under the bind lock, so that a channel first seen while a registry is bound is in it. */
  private synchronized ChannelCounts newChannel(String tag) {
    ChannelCounts counts = channels.get(tag);
    if (counts == null) {
      counts = new ChannelCounts(tag);
      channels.put(tag, counts);
      for (Bound b : bound) {
        counts.registerIn(b.registry);
      }
    }
    return counts;
  }

  @Override
  public void connectionOpened(String channel) {
    channel(channel).open.incrementAndGet();
  }

  @Override
  public void connectionClosed(String channel) {
    channel(channel).open.decrementAndGet();
  }

  @Override
  public void messageSent(String channel) {
    channel(channel).sent.increment();
  }

  @Override
  public void messageConflated(String channel) {
    channel(channel).conflated.increment();
  }

  @Override
  public void messagesDropped(String channel, int count) {
    channel(channel).dropped.add(count);
  }

  @Override
  public void outboundQueueDepth(String channel, int depth) {
    for (Bound b : bound) {
      b.queueDepth.record(depth);
    }
  }

  @Override
  public void slowConsumerClosed(String channel) {
    slowConsumerCloses.increment();
  }

  @Override
  public void connectionRefused(RefusalReason reason) {
    refused.get(reason).increment();
  }

  @Override
  public void resynced(ResyncOutcome outcome) {
    resyncs.get(outcome).increment();
  }

  @Override
  public void transportPublished(
      String transport, String operation, long nanos, boolean succeeded) {
    for (Bound b : bound) {
      b.publishTimer(transport, operation, succeeded).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public String toString() {
    return "RealtimeMetrics.observer";
  }
}
