package dev.marketingconnector.core.discovery;

import dev.marketingconnector.core.ConnectorException;

/** A discovery run that could not be carried out; names the system it was run against. */
public class DiscoveryException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The endpoint. */
    private final String endpoint;

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param message the message
     */
    public DiscoveryException(String endpoint, String message) {
        this(endpoint, message, null);
    }

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param message the message
     * @param cause the cause
     */
    public DiscoveryException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    /** {@return the endpoint} */
    public String endpoint() {
        return endpoint;
    }
}
