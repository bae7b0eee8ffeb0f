package io.realtime.broadcast;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed after it, last first. */
final class Closeables implements AutoCloseable {

  private final List<AutoCloseable> opened = new ArrayList<>();

  /**
   * Closes {@code closeable} when the test ends.
   *
   * @param closeable what the test opened
   * @param <T> its type
   * @return {@code closeable}
   */
  <T extends AutoCloseable> T add(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  @Override
  public void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }
}
