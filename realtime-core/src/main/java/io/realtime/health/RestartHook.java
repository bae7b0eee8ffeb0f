package io.realtime.health;

/** Restarts an unhealthy service (SPI); optional per service. */
@FunctionalInterface
public interface RestartHook {

  /**
   * Restarts the service.
   *
   * @return {@code true} if the restart command succeeded
   * @throws Exception on a failure, reported as {@code restart_failed}
   */
  boolean restart() throws Exception;
}
