/** Host metrics through OSHI: {@link io.realtime.metrics.oshi.OshiHostMetrics}. */
package io.realtime.metrics.oshi;
