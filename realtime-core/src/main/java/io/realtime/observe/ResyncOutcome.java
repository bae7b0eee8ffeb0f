package io.realtime.observe;

/** How a client's {@code resync} ended, as its {@code resync_ack} told it. */
public enum ResyncOutcome {
  /** Everything after the client's offset was still in the history: nothing is lost. */
  RECOVERED("recovered"),
  /** The offset is older than the history ({@code gap_too_old}): what was trimmed is lost. */
  TOO_OLD("too_old"),
  /**
   * Not recovered for another reason: the client named another epoch (the stream was lost or rolled
   * back), or the history could not be read.
   */
  NOT_RECOVERED("not_recovered");

  private final String tagValue;

  ResyncOutcome(String tagValue) {
    this.tagValue = tagValue;
  }

  /**
   * Returns the name metrics use: {@code recovered}, {@code too_old}, {@code not_recovered}.
   *
   * @return the name
   */
  public String tagValue() {
    return tagValue;
  }
}
