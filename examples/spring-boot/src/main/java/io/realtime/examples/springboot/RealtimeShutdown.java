package io.realtime.examples.springboot;

import org.springframework.context.SmartLifecycle;

/**
 * Tells the clients the server is going away while Tomcat still serves them. Spring Boot stops its
 * web server in a lifecycle phase and destroys beans only afterwards, so a bean's {@code close()}
 * would find every connection already cut (the clients see 1006 and never {@code system.shutdown}).
 * Lifecycles stop from the highest phase down: this one, in the highest, stops first, before the
 * web server's graceful shutdown and its stop.
 */
public final class RealtimeShutdown implements SmartLifecycle {

  private final RealtimeStack stack;
  private volatile boolean running;

  /**
   * Creates the lifecycle.
   *
   * @param stack the stack whose clients to tell
   */
  public RealtimeShutdown(RealtimeStack stack) {
    this.stack = stack;
  }

  @Override
  public void start() {
    running = true;
  }

  /** Sends {@code system.shutdown} and closes every client with 1001, then returns. */
  @Override
  public void stop() {
    stack.shutdownClients();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** The highest phase: started last, stopped first, while the web server still runs. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
