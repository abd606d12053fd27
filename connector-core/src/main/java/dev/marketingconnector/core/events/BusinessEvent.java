package dev.marketingconnector.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * One business event on its way to Kyma. The id is stable: a redelivered SAP message maps to the
 * same id, so subscribers can recognise the duplicate.
 *
 * @param id   the event id
 * @param type the Kyma event type and version
 * @param time when the event happened (or, if the payload does not say, when it was received)
 * @param data the event's data, any JSON value but null
 */
public record BusinessEvent(UUID id, EventType type, OffsetDateTime time, JsonNode data) {

    /**
     * Checks the components.
     *
     * @param id the event id
     * @param type the Kyma event type and version
     * @param time when the event happened (or, if the payload does not say, when it was received)
     * @param data the event's data, any JSON value but null
     */
    public BusinessEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        if (data == null || data.isNull() || data.isMissingNode()) {
            throw new IllegalArgumentException("event " + id + " (" + type + "): data must be a JSON value, not null");
        }
    }
}
