/**
 * The ground floor of realtime's implementation: small helpers (duration checks, thread factories,
 * an owned scheduler, glob patterns, JSON-like copies, version checks) that import nothing of the
 * project, so that every other package may use them without an upward arrow.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release. The
 * sibling modules of this reactor (released together, aligned by {@code realtime-bom}) may import
 * this package and no other {@code internal} package of realtime-core; an ArchUnit test in the
 * {@code docs} module enforces both rules (see {@code CONTRIBUTING.md}).
 */
package io.realtime.internal.util;
