/**
 * Following a transport's stream: reading it from a position, noticing holes and a changed epoch,
 * resuming after a failure. Used by the event broadcaster and by job-log tails.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release.
 */
package io.realtime.internal.stream;
