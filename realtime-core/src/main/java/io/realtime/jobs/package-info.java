/**
 * Job log streams: {@link io.realtime.jobs.JobLogEmitter} publishes a job's lines to its stream
 * channel {@code job:{job_id}:logs}, through a circuit breaker and a bounded outbox, delivering
 * them locally while the backbone is away; {@link io.realtime.jobs.JobLogTail} streams backlog (as
 * one flow-controlled burst), live tail and end to one connection, and closes it with 1013 rather
 * than skip what it cannot read.
 */
package io.realtime.jobs;
