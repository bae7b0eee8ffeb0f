/**
 * Job log streams: {@link io.realtime.jobs.JobLogEmitter} publishes a job's lines to its stream
 * channel {@code job:{job_id}:logs}; {@link io.realtime.jobs.JobLogTail} streams backlog, live tail
 * and end to one connection.
 */
package io.realtime.jobs;
