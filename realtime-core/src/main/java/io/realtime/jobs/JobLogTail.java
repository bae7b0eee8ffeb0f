package io.realtime.jobs;

import io.realtime.connection.CloseReason;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.broadcast.StreamFollower;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.MessageTypes;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one job's log to one connection: the backlog still in the stream's history, then the live
 * tail, in order, without gaps or duplicates, each line with its {@code seq} and {@code epoch}.
 * After {@code job_end} the connection is closed with 1000 {@code Job finished}. If the backbone
 * breaks, the connection is closed with 1013 so that the client reconnects and gets the backlog
 * again.
 */
public final class JobLogTail implements AutoCloseable {

  /** The close after {@code job_end}. */
  public static final CloseReason JOB_FINISHED =
      new CloseReason(CloseReason.NORMAL_CLOSURE, "Job finished");

  /** The close when the backbone breaks. */
  public static final CloseReason STREAM_UNAVAILABLE =
      new CloseReason(CloseReason.TRY_AGAIN_LATER, "Log stream unavailable");

  private static final Logger log = LoggerFactory.getLogger(JobLogTail.class);

  private final RegisteredConnection connection;
  private final MessageCodec codec;
  private final StreamFollower follower;
  private volatile TransportSubscription subscription;
  private volatile boolean ended;
  private volatile boolean backlogDelivered;

  private JobLogTail(
      Transport transport, String channel, RegisteredConnection connection, MessageCodec codec) {
    this.connection = connection;
    this.codec = codec;
    this.follower = new StreamFollower(transport, channel, this::deliver, () -> {});
  }

  /**
   * Starts streaming a job's log to a connection.
   *
   * @param transport the backbone
   * @param jobId the job
   * @param connection the connection
   * @param codec the codec
   * @return the tail; close it when the connection closes
   * @throws IllegalArgumentException if the job id is invalid
   */
  public static JobLogTail attach(
      Transport transport, String jobId, RegisteredConnection connection, MessageCodec codec) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(codec, "codec");
    JobLogTail tail = new JobLogTail(transport, JobIds.logChannel(jobId), connection, codec);
    tail.subscription =
        transport.subscribe(
            JobIds.logChannel(jobId),
            new TransportListener() {
              @Override
              public void onMessage(TransportMessage message) {
                // Until the backlog is out, live lines wait in the history: taking one first
                // would make the follower start after it and skip the backlog.
                if (message.isStream() && tail.backlogDelivered) {
                  tail.follower.onMessage(message);
                }
              }

              @Override
              public void onFailure(Throwable cause) {
                log.warn("Log stream of job {} broke: {}", jobId, cause.toString());
                tail.close();
                connection.abort(STREAM_UNAVAILABLE);
              }
            });
    connection.closeFuture().thenRun(tail::close);
    tail.follower.catchUp(true);
    tail.backlogDelivered = true;
    tail.follower.catchUp(false);
    return tail;
  }

  private void deliver(TransportMessage message) {
    if (ended) {
      return;
    }
    Message decoded;
    try {
      decoded = codec.decode(message.payload());
    } catch (MessageFormatException e) {
      log.warn(
          "Dropping an unreadable line {} of {}: {}",
          message.seq(),
          message.channel(),
          e.getMessage());
      return;
    }
    if (!(decoded instanceof Envelope envelope)) {
      return;
    }
    connection.send(envelope.withPosition(message.seq(), message.epoch()));
    if (MessageTypes.JOB_END.equals(envelope.type())) {
      ended = true;
      close();
      connection.close(JOB_FINISHED);
    }
  }

  /**
   * Tells whether the job's end was delivered.
   *
   * @return {@code true} after {@code job_end}
   */
  public boolean isEnded() {
    return ended;
  }

  @Override
  public void close() {
    TransportSubscription current = subscription;
    if (current != null) {
      current.close();
    }
  }
}
