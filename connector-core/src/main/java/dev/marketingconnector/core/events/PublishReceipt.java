package dev.marketingconnector.core.events;

import java.util.Objects;
import java.util.UUID;

/** Kyma accepted the event: its id and the HTTP status it answered with (0 for fakes without HTTP). */
public record PublishReceipt(UUID eventId, int status) {

    /**
     * Checks the components.
     *
     * @param eventId the event id
     * @param status the HTTP status
     */
    public PublishReceipt {
        Objects.requireNonNull(eventId, "eventId");
    }
}
