/**
 * Isolation of metric sources.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release.
 */
package io.realtime.internal.metrics;
