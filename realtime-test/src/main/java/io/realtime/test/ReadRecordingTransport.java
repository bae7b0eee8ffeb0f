package io.realtime.test;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.Transport;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Transport} that counts its history reads ({@link #since}) and remembers the threads they
 * ran on: to check that a read waits for a subscription's confirmation, and never runs on a
 * container's or a transport's thread.
 */
public final class ReadRecordingTransport extends ForwardingTransport {

  private final AtomicInteger reads = new AtomicInteger();
  private final Set<String> readers = ConcurrentHashMap.newKeySet();

  /**
   * Wraps a transport.
   *
   * @param delegate the transport to forward to
   */
  public ReadRecordingTransport(Transport delegate) {
    super(delegate);
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    readers.add(Thread.currentThread().getName());
    reads.incrementAndGet();
    return super.since(channel, offset);
  }

  /**
   * Returns how many history reads were made.
   *
   * @return the count
   */
  public int reads() {
    return reads.get();
  }

  /**
   * Returns the names of the threads the reads ran on.
   *
   * @return a snapshot
   */
  public Set<String> readerThreads() {
    return Set.copyOf(readers);
  }
}
