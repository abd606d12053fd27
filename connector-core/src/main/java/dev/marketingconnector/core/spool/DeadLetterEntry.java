package dev.marketingconnector.core.spool;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message that was acknowledged but can never be delivered as it is, kept with its payload so that
 * it can be delivered once the cause is fixed. {@link #toString()} never shows the payload (it may
 * hold personal data).
 *
 * @param time     when it was given up on
 * @param reason   why, as a short code (e.g. {@code not_json}, {@code rejected}; fit for a metric tag)
 * @param detail   a sentence naming the field or limit at fault
 * @param topic    the MQTT topic it came on
 * @param clientId the MQTT client that sent it
 * @param kind     what {@code payload} is
 * @param payload  the bytes to deliver again
 */
public record DeadLetterEntry(Instant time, String reason, String detail, String topic, String clientId, PayloadKind kind,
        byte[] payload) {

    /** What a dead letter's payload holds, which decides how it is delivered again. */
    public enum PayloadKind {
        /** The MQTT payload as SAP sent it: mapped to an event again, then published. */
        MQTT_PAYLOAD,
        /** An event as {@link SpoolCodec#encodeEvent} writes it (the event service refused it): published as it is, same id. */
        EVENT
    }

    /**
     * Checks that no component is null and that {@code reason} is not blank, and keeps a copy of
     * {@code payload}, so changing the caller's array later does not change the entry.
     *
     * @param time     when it was given up on
     * @param reason   why, as a short code; not blank
     * @param detail   a sentence naming the field or limit at fault
     * @param topic    the MQTT topic it came on (empty when it did not come over MQTT)
     * @param clientId the MQTT client that sent it (empty when it did not come over MQTT)
     * @param kind     what {@code payload} is
     * @param payload  the bytes to deliver again; copied
     * @throws NullPointerException     when a component is null (the message names it)
     * @throws IllegalArgumentException when {@code reason} is blank
     */
    public DeadLetterEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason must not be blank");
        }
        payload = payload.clone();
    }

    /** {@return a copy of the payload bytes (changing it does not change the entry)} */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** {@return the payload's size in bytes, without copying the payload} */
    public int payloadBytes() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetterEntry e && time.equals(e.time) && reason.equals(e.reason) && detail.equals(e.detail)
                && topic.equals(e.topic) && clientId.equals(e.clientId) && kind == e.kind && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, reason, detail, topic, clientId, kind, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "DeadLetterEntry[time=" + time + ", reason=" + reason + ", detail=" + detail + ", topic=" + topic + ", clientId="
                + clientId + ", kind=" + kind + ", payload=" + payload.length + " bytes]";
    }
}
