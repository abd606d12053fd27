package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.ConnectorException;
import java.util.Objects;

/**
 * A payload that can never become a {@code BusinessEvent}. The message names the field or rule at
 * fault and the topic, never payload content beyond the offending event type.
 */
public class EventMappingException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The reason. */
    private final DeadLetter.Reason reason;
    /** The topic. */
    private final String topic;

    /**
     * Creates the exception.
     *
     * @param reason why
     * @param topic the MQTT topic
     * @param message the message
     */
    public EventMappingException(DeadLetter.Reason reason, String topic, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.topic = topic;
    }

    /** {@return the reason} */
    public DeadLetter.Reason reason() {
        return reason;
    }

    /** {@return the topic} */
    public String topic() {
        return topic;
    }
}
