/**
 * The realtime endpoints in a Spring Boot 4 application: configured from {@code
 * application.properties} ({@link io.realtime.examples.springboot.RealtimeProperties}), mounted on
 * Boot's embedded Tomcat through Spring's {@code ServerEndpointExporter} and shut down before
 * Tomcat stops ({@link io.realtime.examples.springboot.RealtimeShutdown}). See {@code
 * docs/spring-boot.md}.
 */
package io.realtime.examples.springboot;
