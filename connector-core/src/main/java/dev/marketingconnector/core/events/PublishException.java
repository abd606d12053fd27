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

    private final boolean transientFailure;
    private final int status;
    private final String endpoint;
    private final String serverMessage;
    private final transient Duration retryAfter;

    public PublishException(boolean transientFailure, String endpoint, int status, String serverMessage,
            Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.endpoint = endpoint;
        this.status = status;
        this.serverMessage = serverMessage;
        this.retryAfter = retryAfter;
    }

    /** A failure worth retrying. */
    public static PublishException transientFailure(String endpoint, int status, String message) {
        return new PublishException(true, endpoint, status, null, null, message, null);
    }

    /** A failure that retrying cannot fix. */
    public static PublishException permanentFailure(String endpoint, int status, String message) {
        return new PublishException(false, endpoint, status, null, null, message, null);
    }

    public boolean isTransient() {
        return transientFailure;
    }

    public boolean isPermanent() {
        return !transientFailure;
    }

    /** The HTTP status, or 0 when there was no response. */
    public int status() {
        return status;
    }

    public String endpoint() {
        return endpoint;
    }

    /** The error text the event service sent, if any. */
    public Optional<String> serverMessage() {
        return Optional.ofNullable(serverMessage);
    }

    /** How long the server asked to wait ({@code Retry-After}), if it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
