package io.realtime.transport;

/** The backbone could not be reached or failed. Messages never contain a secret. */
public class TransportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying error, or {@code null}
   */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
