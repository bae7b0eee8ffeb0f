package io.realtime.benchmarks.load;

import java.net.URI;

/** How a client speaks to each system: the URL, and what a frame means. */
enum WireProtocol {
  /** realtime's JSON envelopes; JSON heartbeats answered with a pong. */
  REALTIME,
  /** Engine.IO 4 / Socket.IO 4 over a plain WebSocket: open, connect, ping/pong, events. */
  SOCKETIO,
  /** The bare loop and the Netty limit: every frame is an event. */
  BARE;

  URI uri(String host, int port) {
    return this == SOCKETIO
        ? URI.create("ws://" + host + ":" + port + "/socket.io/?EIO=4&transport=websocket")
        : URI.create("ws://" + host + ":" + port + "/ws/events");
  }

  /** What to answer to a control frame, or null; events return {@link #EVENT}. */
  String answer(String frame) {
    switch (this) {
      case REALTIME -> {
        if (frame.startsWith("{\"type\":\"ping\"")) {
          return "{\"type\":\"pong\"}";
        }
        return frame.startsWith("{\"type\":\"event\"") ? EVENT : null;
      }
      case SOCKETIO -> {
        if (frame.startsWith("42[")) {
          return EVENT;
        }
        if (frame.equals("2")) {
          return "3";
        }
        return frame.startsWith("0{") ? "40" : null;
      }
      default -> {
        return EVENT;
      }
    }
  }

  /** The marker {@link #answer} returns for an event. */
  static final String EVENT = "\u0000event";
}
