package dev.marketingconnector.core.spool;

import dev.marketingconnector.core.events.BusinessEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The event spool: where the bridge stores an event before it acknowledges it, and where a
 * {@link SpoolForwarder} reads it back to publish it to Kyma. Implementations: the embedded disk
 * spool ({@code connector-disk}), NATS JetStream ({@code connector-nats}), and
 * {@code core.testing.InMemoryEventSpool} for tests. All pass {@code EventSpoolContract}.
 *
 * <ul>
 *   <li>{@link #append} completes once the event is durably stored (on disk: after the fsync that
 *       covers it; on JetStream: after the stream's acknowledgement), never before. At its bound it
 *       fails with a {@link SpoolFullException} (transient): nothing already stored is dropped.</li>
 *   <li>{@link #poll} hands out stored events oldest first, each once per opened spool.</li>
 *   <li>{@link #commit} marks an event done (forwarded or dead-lettered): it is not delivered again.
 *       An event handed out but not committed is delivered again when the spool is next opened (on
 *       JetStream: to any replica, once its acknowledgement deadline passed), so delivery is at
 *       least once and an event keeps its id across restarts.</li>
 * </ul>
 *
 * <p>Every method is thread-safe.
 */
public interface EventSpool extends AutoCloseable {

    /**
     * Stores the event. The stage completes once it is durably stored, or fails with a
     * {@link SpoolException} ({@link SpoolFullException} at the bound or on a full disk).
     *
     * @param event the event to store, kept with its id
     * @return a stage that completes once the event is durably stored
     */
    CompletionStage<Void> append(BusinessEvent event);

    /**
     * Up to {@code max} stored events not yet handed out by this instance, oldest first. Waits up to
     * {@code wait} while there is none; an empty list then (or once closed).
     *
     * @param max  the most events to return, at least 1
     * @param wait how long to wait while there is none
     * @return the events, oldest first; empty when none came within {@code wait} or the spool is closed
     * @throws IllegalArgumentException when {@code max} is below 1
     * @throws InterruptedException     when the waiting thread is interrupted
     */
    List<SpooledEvent> poll(int max, Duration wait) throws InterruptedException;

    /**
     * The event is done: it is not delivered again. Committing an event twice changes nothing.
     *
     * @param event an event this spool's {@link #poll} handed out
     * @throws IllegalArgumentException when this spool never handed out {@code event}
     */
    void commit(SpooledEvent event);

    /** {@return what the spool holds now (events stored and not yet committed). Cheap enough for a status page and metrics} */
    SpoolStats stats();

    /** {@return the spool's dead-letter area: messages acknowledged that can never be delivered, kept with their payload} */
    DeadLetterStore deadLetters();

    /** {@return a short description for logs and the status page (directory, NATS stream; never a credential)} */
    String describe();

    /**
     * Releases files, connections and threads. Events handed out and not committed stay stored and
     * are delivered again later. Appends still pending may fail.
     */
    @Override
    void close();
}
