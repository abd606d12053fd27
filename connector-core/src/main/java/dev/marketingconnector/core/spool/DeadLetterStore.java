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
     * @param entry the dead letter to keep
     * @return a stage that completes with the store's id for the entry, or fails with a
     *         {@link SpoolException} ({@link SpoolFullException} when a bounded area has no room)
     */
    CompletionStage<String> add(DeadLetterEntry entry);

    /**
     * At most {@code limit} dead letters, newest first.
     *
     * @param limit the most to return; zero or more
     * @return up to {@code limit} dead letters, newest first
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    List<StoredDeadLetter> list(int limit);

    /**
     * Looks up one dead letter.
     *
     * @param id the id {@link #add} completed with (also {@link StoredDeadLetter#id()})
     * @return the dead letter, or empty when there is none with this id
     */
    Optional<StoredDeadLetter> get(String id);

    /**
     * Removes the dead letter (after it was delivered again, or on an operator's request); false when there is none with this id.
     *
     * @param id the id {@link #add} completed with (also {@link StoredDeadLetter#id()})
     * @return true when it was removed, false when there was none with this id
     */
    boolean remove(String id);

    /** {@return how many dead letters are kept, the room they take, and how many were dropped} */
    DeadLetterStats stats();
}
