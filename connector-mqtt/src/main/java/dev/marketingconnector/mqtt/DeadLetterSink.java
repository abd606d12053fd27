package dev.marketingconnector.mqtt;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the bridge records messages it acknowledged without forwarding. Called on an I/O thread:
 * implementations must be quick and must not block (hand slow work to another thread).
 */
@FunctionalInterface
public interface DeadLetterSink {

    /**
     * Takes one dead letter.
     *
     * @param deadLetter the dead letter
     */
    void accept(DeadLetter deadLetter);

    /**
     * Keeps the dead letter; the bridge acknowledges the message only once the stage completed. A
     * sink that stores dead letters durably (the spool's dead-letter area) completes it once stored,
     * so acknowledged never means gone; if it fails, the bridge closes the connection without
     * acknowledging and the client sends the message again. The default calls {@link #accept}.
     *
     * @param deadLetter the dead letter, with its payload or event when the bridge kept one
     * @return a stage that completes once the dead letter is kept, or fails when it cannot be
     */
    default CompletionStage<Void> store(DeadLetter deadLetter) {
        accept(deadLetter);
        return CompletableFuture.completedFuture(null);
    }

    /** {@return the most recent dead letters, newest last, if the sink keeps any (for a status page)} */
    default List<DeadLetter> recent() {
        return List.of();
    }
}
