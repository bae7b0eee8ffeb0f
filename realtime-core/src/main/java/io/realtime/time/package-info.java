/**
 * Time seams: {@link io.realtime.time.TimeSource} for reading clocks and {@link
 * io.realtime.time.TaskScheduler} for delayed work, so that every time-based behaviour can be
 * tested with a manual clock instead of real waiting.
 */
package io.realtime.time;
