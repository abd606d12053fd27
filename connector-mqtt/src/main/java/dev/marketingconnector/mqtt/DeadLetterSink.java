package dev.marketingconnector.mqtt;

import java.util.List;

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

    /** {@return the most recent dead letters, newest last, if the sink keeps any (for a status page)} */
    default List<DeadLetter> recent() {
        return List.of();
    }
}
