package io.realtime.connection;

import io.realtime.message.MessageTypes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides, per message type, the {@link DeliveryClass} and whether the type ignores a connection's
 * subscription filter. Immutable and thread-safe.
 *
 * <p>Defaults: {@code system_status} and {@code performance_update} are {@link
 * DeliveryClass#LATEST_VALUE}; every other type is {@link DeliveryClass#ORDERED_LOSSLESS}. Protocol
 * and notice types (ping, pong, error, resync and subscription acknowledgements, {@code
 * system.shutdown}, {@code service_status}) reach a connection whatever it subscribed to, so a
 * client that filtered its feed is still told about shutdowns and degraded mode.
 */
public final class DeliveryPolicy {

  private static final DeliveryPolicy DEFAULTS = builder().build();

  private final Map<String, DeliveryClass> classes;
  private final DeliveryClass defaultClass;
  private final Set<String> unfiltered;

  private DeliveryPolicy(Builder builder) {
    this.classes = Map.copyOf(builder.classes);
    this.defaultClass = builder.defaultClass;
    this.unfiltered = Set.copyOf(builder.unfiltered);
  }

  /**
   * Returns the default policy.
   *
   * @return the defaults
   */
  public static DeliveryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder preloaded with the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the delivery class of a type.
   *
   * @param type the wire type
   * @return its class
   */
  public DeliveryClass classOf(String type) {
    return classes.getOrDefault(type, defaultClass);
  }

  /**
   * Tells whether messages of this type reach a connection whatever it subscribed to.
   *
   * @param type the wire type
   * @return {@code true} if subscriptions do not filter it
   */
  public boolean ignoresSubscriptions(String type) {
    return unfiltered.contains(type);
  }

  @Override
  public String toString() {
    return "DeliveryPolicy[classes="
        + classes
        + ", default="
        + defaultClass
        + ", unfiltered="
        + unfiltered
        + "]";
  }

  /** Builds a {@link DeliveryPolicy}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private final Map<String, DeliveryClass> classes = new HashMap<>();
    private DeliveryClass defaultClass = DeliveryClass.ORDERED_LOSSLESS;
    private final Set<String> unfiltered = new HashSet<>();

    private Builder() {
      classes.put(MessageTypes.SYSTEM_STATUS, DeliveryClass.LATEST_VALUE);
      classes.put(MessageTypes.PERFORMANCE_UPDATE, DeliveryClass.LATEST_VALUE);
      unfiltered.addAll(
          Set.of(
              MessageTypes.PING,
              MessageTypes.PONG,
              MessageTypes.ERROR,
              MessageTypes.RESYNC_ACK,
              MessageTypes.SUBSCRIBED,
              MessageTypes.UNSUBSCRIBED,
              MessageTypes.SYSTEM_SHUTDOWN,
              MessageTypes.SERVICE_STATUS));
    }

    /**
     * Sets the delivery class of a type.
     *
     * @param type the wire type
     * @param deliveryClass its class
     * @return this builder
     */
    public Builder deliveryClass(String type, DeliveryClass deliveryClass) {
      classes.put(
          MessageTypes.requireValid(type), Objects.requireNonNull(deliveryClass, "deliveryClass"));
      return this;
    }

    /**
     * Sets the class of every type not set explicitly; {@link DeliveryClass#ORDERED_LOSSLESS} by
     * default.
     *
     * @param deliveryClass the class
     * @return this builder
     */
    public Builder defaultClass(DeliveryClass deliveryClass) {
      this.defaultClass = Objects.requireNonNull(deliveryClass, "deliveryClass");
      return this;
    }

    /**
     * Makes a type reach connections whatever they subscribed to, or subject to their filter.
     *
     * @param type the wire type
     * @param ignoresSubscriptions {@code true} to bypass subscription filters
     * @return this builder
     */
    public Builder ignoresSubscriptions(String type, boolean ignoresSubscriptions) {
      MessageTypes.requireValid(type);
      if (ignoresSubscriptions) {
        unfiltered.add(type);
      } else {
        unfiltered.remove(type);
      }
      return this;
    }

    /**
     * Builds the policy; later changes to this builder do not affect it.
     *
     * @return the policy
     */
    public DeliveryPolicy build() {
      return new DeliveryPolicy(this);
    }
  }
}
