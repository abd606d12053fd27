package dev.marketingconnector.core.spool;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Dead letters with their payloads, for an operator to look at and deliver again once the cause is
 * fixed. A spool's dead-letter area ({@link EventSpool#deadLetters()}) is durable and bounded: when
 * full, {@link #add} fails with a {@link SpoolFullException} and nothing is dropped.
 * {@link RecentDeadLetters} keeps the most recent ones in memory (for running without a spool).
 * Thread-safe.
 */
public interface DeadLetterStore {

    /**
     * Stores the dead letter; the stage completes with its id once it is stored.
     *
     * @param entry the entry
     * @return the add
     */
    CompletionStage<String> add(DeadLetterEntry entry);

    /**
     * At most {@code limit} dead letters, newest first.
     *
     * @param limit the limit
     * @return the list
     */
    List<StoredDeadLetter> list(int limit);

    Optional<StoredDeadLetter> get(String id);

    /**
     * Removes the dead letter (after it was delivered again, or on an operator's request); false when there is none with this id.
     *
     * @param id the id
     * @return the remove
     */
    boolean remove(String id);

    DeadLetterStats stats();
}
