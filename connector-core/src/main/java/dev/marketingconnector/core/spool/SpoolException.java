package dev.marketingconnector.core.spool;

import dev.marketingconnector.core.ConnectorException;

/**
 * A spool could not store or read. Transient failures (a full spool, an unreachable server) may
 * succeed later; the message names the spool (its directory or stream), never a credential. The
 * storage library's exception, if any, is the cause.
 */
public class SpoolException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The spool's description (a directory, a stream). */
    private final String spool;
    /** Whether trying again later may succeed. */
    private final boolean transientFailure;

    /**
     * An exception whose message is {@code spool + ": " + message}.
     *
     * @param spool            the spool's description (its directory or stream; never a credential)
     * @param transientFailure whether trying again later may succeed
     * @param message          what failed
     * @param cause            the storage library's exception, or null
     */
    public SpoolException(String spool, boolean transientFailure, String message, Throwable cause) {
        super(spool + ": " + message, cause);
        this.spool = spool;
        this.transientFailure = transientFailure;
    }

    /**
     * An exception without a cause, whose message is {@code spool + ": " + message}.
     *
     * @param spool            the spool's description (its directory or stream; never a credential)
     * @param transientFailure whether trying again later may succeed
     * @param message          what failed
     */
    public SpoolException(String spool, boolean transientFailure, String message) {
        this(spool, transientFailure, message, null);
    }

    /** {@return the spool's description (a directory, a stream)} */
    public String spool() {
        return spool;
    }

    /** {@return whether trying again later may succeed} */
    public boolean isTransient() {
        return transientFailure;
    }
}
