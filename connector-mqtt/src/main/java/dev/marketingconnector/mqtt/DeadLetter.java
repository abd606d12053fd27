package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.events.BusinessEvent;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A message the bridge acknowledged without forwarding, because forwarding it can never succeed.
 * It records what an operator needs to find the cause and what is needed to deliver it again once
 * the cause is fixed: the payload as it arrived (when the bridge could not map it) or the event
 * (when the event service refused it). {@link #toString()} never shows either (they may hold
 * personal data); a sink that keeps dead letters for long keeps them somewhere an operator controls.
 *
 * @param time         when the bridge gave up on the message
 * @param reason       why, as a small fixed set (fit for a metric tag)
 * @param detail       a sentence naming the field or limit at fault
 * @param topic        the MQTT topic it was published to
 * @param clientId     the MQTT client that sent it
 * @param payloadBytes the payload's size
 * @param payload      the payload as it arrived, when the bridge had it (not JSON, not an event, too large); else empty
 * @param event        the event the event service refused ({@link Reason#REJECTED}); else empty
 */
public record DeadLetter(Instant time, Reason reason, String detail, String topic, String clientId, int payloadBytes, byte[] payload,
        Optional<BusinessEvent> event) {

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
     * @param time         when the bridge gave up on the message
     * @param reason       why, as a small fixed set (fit for a metric tag)
     * @param detail       a sentence naming the field or limit at fault
     * @param topic        the MQTT topic it was published to
     * @param clientId     the MQTT client that sent it
     * @param payloadBytes the payload's size, zero or more
     * @param payload      the payload as it arrived; empty when the bridge did not keep it
     * @param event        the event the event service refused; empty otherwise
     * @throws NullPointerException     when a component is null (the message names it)
     * @throws IllegalArgumentException when {@code payloadBytes} is negative
     */
    public DeadLetter {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(event, "event");
        if (payloadBytes < 0) {
            throw new IllegalArgumentException("payloadBytes must be >= 0, got " + payloadBytes);
        }
    }

    /**
     * A dead letter without its payload or event: enough to report it, not to deliver it again.
     *
     * @param time         when the bridge gave up on the message
     * @param reason       why
     * @param detail       a sentence naming the field or limit at fault
     * @param topic        the MQTT topic it was published to
     * @param clientId     the MQTT client that sent it
     * @param payloadBytes the size the payload had, zero or more
     */
    public DeadLetter(Instant time, Reason reason, String detail, String topic, String clientId, int payloadBytes) {
        this(time, reason, detail, topic, clientId, payloadBytes, new byte[0], Optional.empty());
    }

    /** {@return the same dead letter without payload and event (this one when it has neither), for keeping in memory} */
    public DeadLetter withoutPayload() {
        return payload.length == 0 && event.isEmpty() ? this : new DeadLetter(time, reason, detail, topic, clientId, payloadBytes);
    }

    /** {@return a copy of the payload as it arrived; empty when the bridge did not keep it} */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter d && time.equals(d.time) && reason == d.reason && detail.equals(d.detail)
                && topic.equals(d.topic) && clientId.equals(d.clientId) && payloadBytes == d.payloadBytes
                && Arrays.equals(payload, d.payload) && event.equals(d.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, reason, detail, topic, clientId, payloadBytes, Arrays.hashCode(payload), event);
    }

    @Override
    public String toString() {
        return "DeadLetter[time=" + time + ", reason=" + reason + ", detail=" + detail + ", topic=" + topic + ", clientId=" + clientId
                + ", payloadBytes=" + payloadBytes + (payload.length > 0 ? ", payload kept" : "")
                + event.map(e -> ", event " + e.id()).orElse("") + "]";
    }
}
