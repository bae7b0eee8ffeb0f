package io.realtime.examples.springboot;

import io.realtime.micrometer.RealtimeMetrics;
import jakarta.websocket.server.ServerEndpointConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.standard.ServerEndpointExporter;

/**
 * The realtime beans. The endpoints are {@link ServerEndpointConfig} beans that Spring's {@link
 * ServerEndpointExporter} adds to Tomcat's WebSocket container once every singleton exists (a
 * {@code ServletContextInitializer} would run before Tomcat's WebSocket initializer made the
 * container).
 */
@Configuration(proxyBeanMethods = false)
public class RealtimeConfiguration {

  /** Created by Spring. */
  public RealtimeConfiguration() {}

  /**
   * The realtime parts, closed when the context closes.
   *
   * @param properties the {@code realtime.*} settings
   * @return the stack
   */
  @Bean(destroyMethod = "close")
  public RealtimeStack realtimeStack(RealtimeProperties properties) {
    return new RealtimeStack(properties);
  }

  /**
   * Tells the clients about a shutdown before Tomcat stops.
   *
   * @param stack the stack
   * @return the lifecycle
   */
  @Bean
  public RealtimeShutdown realtimeShutdown(RealtimeStack stack) {
    return new RealtimeShutdown(stack);
  }

  /**
   * The realtime meters: Spring Boot binds every {@code MeterBinder} bean to its meter registry, so
   * {@code /actuator/prometheus} shows them.
   *
   * @param stack the stack
   * @return the binder
   */
  @Bean
  public RealtimeMetrics realtimeMetrics(RealtimeStack stack) {
    return stack.metrics();
  }

  /**
   * The {@code realtime} component of {@code /actuator/health}.
   *
   * @param stack the stack
   * @return the indicator
   */
  @Bean
  public RealtimeHealthIndicator realtimeHealthIndicator(RealtimeStack stack) {
    return new RealtimeHealthIndicator(stack.health());
  }

  /**
   * Mounts every {@link ServerEndpointConfig} bean on Tomcat's WebSocket container.
   *
   * @return the exporter
   */
  @Bean
  public ServerEndpointExporter serverEndpointExporter() {
    return new ServerEndpointExporter();
  }

  /**
   * The events endpoint.
   *
   * @param stack the stack
   * @return {@code /ws/events}
   */
  @Bean
  public ServerEndpointConfig realtimeEventsEndpoint(RealtimeStack stack) {
    return stack.endpoint(RealtimeStack.EVENTS_PATH);
  }

  /**
   * The system endpoint.
   *
   * @param stack the stack
   * @return {@code /ws/system}
   */
  @Bean
  public ServerEndpointConfig realtimeSystemEndpoint(RealtimeStack stack) {
    return stack.endpoint(RealtimeStack.SYSTEM_PATH);
  }

  /**
   * The job-log endpoint.
   *
   * @param stack the stack
   * @return {@code /ws/jobs/{job_id}/logs}
   */
  @Bean
  public ServerEndpointConfig realtimeJobLogsEndpoint(RealtimeStack stack) {
    return stack.endpoint(RealtimeStack.JOB_LOGS_PATH);
  }
}
