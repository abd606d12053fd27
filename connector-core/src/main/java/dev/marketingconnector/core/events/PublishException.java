package dev.marketingconnector.core.events;

import dev.marketingconnector.core.ConnectorException;
import java.time.Duration;
import java.util.Optional;

/**
 * The event service did not accept an event. A transient failure (connection error, time-out, 429,
 * 5xx, an open circuit) may succeed later; a permanent one (400, too large, ...) never will.
 */
public class PublishException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The transient failure. */
    private final boolean transientFailure;
    /** The status. */
    private final int status;
    /** The endpoint. */
    private final String endpoint;
    /** The server message. */
    private final String serverMessage;
    private final transient Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param transientFailure the transient failure
     * @param endpoint the endpoint (URL or name) the error is about
     * @param status the HTTP status
     * @param serverMessage the server message
     * @param retryAfter the retry after
     * @param message the message
     * @param cause the cause
     */
    public PublishException(boolean transientFailure, String endpoint, int status, String serverMessage,
            Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.endpoint = endpoint;
        this.status = status;
        this.serverMessage = serverMessage;
        this.retryAfter = retryAfter;
    }

    /**
     * A failure worth retrying.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param status the HTTP status
     * @param message the message
     * @return the publish exception
     */
    public static PublishException transientFailure(String endpoint, int status, String message) {
        return new PublishException(true, endpoint, status, null, null, message, null);
    }

    /**
     * A failure that retrying cannot fix.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param status the HTTP status
     * @param message the message
     * @return the publish exception
     */
    public static PublishException permanentFailure(String endpoint, int status, String message) {
        return new PublishException(false, endpoint, status, null, null, message, null);
    }

    /** {@return whether transient} */
    public boolean isTransient() {
        return transientFailure;
    }

    /** {@return whether permanent} */
    public boolean isPermanent() {
        return !transientFailure;
    }

    /** {@return the HTTP status, or 0 when there was no response} */
    public int status() {
        return status;
    }

    /** {@return the endpoint} */
    public String endpoint() {
        return endpoint;
    }

    /** {@return the error text the event service sent, if any} */
    public Optional<String> serverMessage() {
        return Optional.ofNullable(serverMessage);
    }

    /** {@return how long the server asked to wait ({@code Retry-After}), if it did} */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
