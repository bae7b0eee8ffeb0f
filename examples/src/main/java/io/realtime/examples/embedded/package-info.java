/**
 * Embedding examples: a host application on embedded Tomcat or Jetty 12 mounts the realtime
 * endpoints next to its own servlets. {@link io.realtime.examples.embedded.RealtimeStack} is the
 * assembly both share.
 */
package io.realtime.examples.embedded;
