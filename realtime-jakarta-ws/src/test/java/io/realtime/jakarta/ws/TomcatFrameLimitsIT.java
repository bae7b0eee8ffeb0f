package io.realtime.jakarta.ws;

import io.realtime.jakarta.ws.internal.TextAssembler;

/**
 * Frame and message limits on Tomcat 11: it decodes a message's payload in chunks of its (small)
 * text buffer, which the endpoint gathers and refuses once they pass {@code textChars} characters.
 */
class TomcatFrameLimitsIT extends FrameLimitsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new TomcatServer();
  }

  @Override
  protected int textBytesReadBeforeRefusal() {
    // Its parts are handed on a chunk at a time: the one that passes the limit ends a chunk.
    return LIMITS.textChars() + TextAssembler.TOMCAT_CHUNK_CHARS;
  }
}
