package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.ConnectorException;
import java.util.Objects;

/**
 * A payload that can never become a {@code BusinessEvent}. The message names the field or rule at
 * fault and the topic, never payload content beyond the offending event type.
 */
public class EventMappingException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    private final DeadLetter.Reason reason;
    private final String topic;

    public EventMappingException(DeadLetter.Reason reason, String topic, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.topic = topic;
    }

    public DeadLetter.Reason reason() {
        return reason;
    }

    public String topic() {
        return topic;
    }
}
