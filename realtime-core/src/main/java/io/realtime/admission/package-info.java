/**
 * Admission of new connections: the {@link io.realtime.admission.ConnectionRateLimiter} SPI and its
 * in-memory sliding-window default.
 */
package io.realtime.admission;
