/**
 * Implementation classes of realtime-core.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release. Use the
 * interfaces and builders of the public packages instead.
 */
package io.realtime.internal;
