package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The reply {@code {"type":"pong"}} to a client's ping. */
public record Pong() implements Message {

  /** The only instance needed. */
  public static final Pong INSTANCE = new Pong();

  @Override
  @JsonProperty("type")
  public String type() {
    return MessageTypes.PONG;
  }
}
