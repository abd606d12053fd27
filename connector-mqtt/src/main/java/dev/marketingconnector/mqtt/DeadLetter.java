package dev.marketingconnector.mqtt;

import java.time.Instant;
import java.util.Objects;

/**
 * A message the bridge acknowledged without forwarding, because forwarding it can never succeed.
 * It records what an operator needs to find the cause, never the payload itself (which may hold
 * personal data).
 *
 * @param time         when the bridge gave up on the message
 * @param reason       why, as a small fixed set (fit for a metric tag)
 * @param detail       a sentence naming the field or limit at fault
 * @param topic        the MQTT topic it was published to
 * @param clientId     the MQTT client that sent it
 * @param payloadBytes the payload's size
 */
public record DeadLetter(Instant time, Reason reason, String detail, String topic, String clientId, int payloadBytes) {

    /** Why a message was dead-lettered. */
    public enum Reason {
        /** The payload is not well-formed JSON. */
        NOT_JSON,
        /** JSON, but not an event: not an object, no {@code data}, an unreadable time. */
        INVALID_EVENT,
        /** Neither the payload nor the topic gives a valid Kyma event type. */
        INVALID_EVENT_TYPE,
        /** The payload is larger than the configured limit. */
        PAYLOAD_TOO_LARGE,
        /** The event service refused the event permanently (for example HTTP 400 or 413). */
        REJECTED
    }

    /**
     * Checks the components.
     *
     * @param time when the bridge gave up on the message
     * @param reason why, as a small fixed set (fit for a metric tag)
     * @param detail a sentence naming the field or limit at fault
     * @param topic the MQTT topic it was published to
     * @param clientId the MQTT client that sent it
     * @param payloadBytes the payload's size
     */
    public DeadLetter {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(clientId, "clientId");
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("payloadBytes must be >= 0, got " + payloadBytes);
        }
    }
}
