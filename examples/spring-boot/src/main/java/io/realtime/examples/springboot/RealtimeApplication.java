package io.realtime.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The example application: the realtime endpoints at {@code /ws/events}, {@code /ws/system} and
 * {@code /ws/jobs/{job_id}/logs}, Actuator's health and Prometheus endpoints at {@code /actuator}.
 */
@SpringBootApplication
@EnableConfigurationProperties(RealtimeProperties.class)
public class RealtimeApplication {

  /** Created by Spring. */
  public RealtimeApplication() {}

  /**
   * Runs the application.
   *
   * @param args Spring Boot's arguments, for example {@code --realtime.redis.uri=redis://...}
   */
  public static void main(String[] args) {
    SpringApplication.run(RealtimeApplication.class, args);
  }
}
