package dev.marketingconnector.core.spool;

import dev.marketingconnector.core.events.BusinessEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * An event read back from the spool.
 *
 * @param position where it is stored, increasing in storage order (a record number on disk, a stream
 *                 sequence on JetStream); what {@link EventSpool#commit} identifies it by
 * @param storedAt when it was stored
 * @param event    the event, with the id it had when it was appended
 */
public record SpooledEvent(long position, Instant storedAt, BusinessEvent event) {

    /**
     * Checks that {@code storedAt} and {@code event} are not null.
     *
     * @param position where it is stored, increasing in storage order
     * @param storedAt when it was stored
     * @param event    the event, with the id it had when it was appended
     * @throws NullPointerException when one of them is null (the message names it)
     */
    public SpooledEvent {
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(event, "event");
    }
}
