package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.ConnectorException;

/** A registry that refused a request or could not be reached; names the endpoint and, if any, the HTTP status. */
public class RegistryException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The endpoint. */
    private final String endpoint;
    /** The status. */
    private final int status;

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param status the HTTP status
     * @param message the message
     */
    public RegistryException(String endpoint, int status, String message) {
        this(endpoint, status, message, null);
    }

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param status the HTTP status
     * @param message the message
     * @param cause the cause
     */
    public RegistryException(String endpoint, int status, String message, Throwable cause) {
        super(message + " (" + endpoint + (status > 0 ? ", HTTP " + status : "") + ")", cause);
        this.endpoint = endpoint;
        this.status = status;
    }

    /** {@return the endpoint} */
    public String endpoint() {
        return endpoint;
    }

    /** {@return the HTTP status, or 0 when there was no response} */
    public int status() {
        return status;
    }
}
