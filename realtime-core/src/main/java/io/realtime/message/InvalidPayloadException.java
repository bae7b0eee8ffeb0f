package io.realtime.message;

/**
 * Thrown when a published payload is invalid. The message names the field and the offending value
 * (shortened to 100 characters); nothing is published.
 */
public class InvalidPayloadException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private static final int MAX_VALUE_CHARS = 100;

  private final String field;
  private final transient Object value;

  /**
   * Creates the exception.
   *
   * @param kind what was being validated, for example {@code "event"}
   * @param field the offending field, for example {@code "risk_score"}
   * @param value the offending value, possibly {@code null}
   * @param requirement what the field must be, for example {@code "an integer from 0 to 100"}
   */
  public InvalidPayloadException(String kind, String field, Object value, String requirement) {
    super(
        "Invalid "
            + kind
            + " message format: field '"
            + field
            + "' must be "
            + requirement
            + ", got "
            + render(value));
    this.field = field;
    this.value = value;
  }

  /**
   * Returns the name of the offending field.
   *
   * @return the field name
   */
  public String field() {
    return field;
  }

  /**
   * Returns the offending value, {@code null} when it was missing or null.
   *
   * @return the value
   */
  public Object value() {
    return value;
  }

  private static String render(Object value) {
    if (value == null) {
      return "null";
    }
    String text = value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    if (text.length() > MAX_VALUE_CHARS) {
      text = text.substring(0, MAX_VALUE_CHARS) + "...";
    }
    return value instanceof CharSequence || value instanceof Number || value instanceof Boolean
        ? text
        : text + " (" + value.getClass().getSimpleName() + ")";
  }
}
