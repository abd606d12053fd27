package dev.marketingconnector.core.spool;

import java.util.Objects;

/**
 * A dead letter as a {@link DeadLetterStore} keeps it.
 *
 * @param id    the store's id for it (what {@link DeadLetterStore#get} and {@link DeadLetterStore#remove} take)
 * @param entry what was stored
 */
public record StoredDeadLetter(String id, DeadLetterEntry entry) {

    /**
     * Checks that {@code id} and {@code entry} are not null.
     *
     * @param id    the store's id for it
     * @param entry what was stored
     * @throws NullPointerException when one of them is null (the message names it)
     */
    public StoredDeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(entry, "entry");
    }
}
