/**
 * Metric sources that probe services over HTTP with the JDK {@link java.net.http.HttpClient}: an AI
 * model's {@code /health}, llama.cpp's {@code /slots} and container health checks. Every probe has
 * a timeout, and a service that does not answer is reported, never thrown.
 */
package io.realtime.metrics.http;
