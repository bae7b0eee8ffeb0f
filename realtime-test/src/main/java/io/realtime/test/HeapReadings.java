package io.realtime.test;

import java.lang.management.ManagementFactory;

/**
 * Heap readings for tests that bound what something keeps: the live heap after full collections,
 * read before and after holding it, the difference divided by how many were held.
 *
 * <p>Collections are asked for with {@link System#gc()}, three times so that objects freed by one
 * collection's finalization or reference processing are gone too; a JVM started with {@code
 * -XX:+DisableExplicitGC} makes these readings meaningless.
 */
public final class HeapReadings {

  private HeapReadings() {}

  /**
   * Returns the heap in use after full collections.
   *
   * @return bytes of heap in use
   */
  public static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
