package io.realtime.message;

import java.util.Objects;

/**
 * An envelope's wire text made from the text its publisher encoded, without decoding it: see {@link
 * MessageCodec#splice(String, Long, String, boolean)}.
 *
 * @param type the envelope's wire type, read from the text
 * @param text the wire text, with the stream position when one was spliced in
 */
public record SplicedEnvelope(String type, String text) {

  /**
   * Checks the components.
   *
   * @param type the envelope's wire type
   * @param text the wire text
   */
  public SplicedEnvelope {
    MessageTypes.requireValid(type);
    Objects.requireNonNull(text, "text");
  }
}
