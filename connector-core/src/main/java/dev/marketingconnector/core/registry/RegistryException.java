package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.ConnectorException;

/** A registry that refused a request or could not be reached; names the endpoint and, if any, the HTTP status. */
public class RegistryException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final int status;

    public RegistryException(String endpoint, int status, String message) {
        this(endpoint, status, message, null);
    }

    public RegistryException(String endpoint, int status, String message, Throwable cause) {
        super(message + " (" + endpoint + (status > 0 ? ", HTTP " + status : "") + ")", cause);
        this.endpoint = endpoint;
        this.status = status;
    }

    public String endpoint() {
        return endpoint;
    }

    /** The HTTP status, or 0 when there was no response. */
    public int status() {
        return status;
    }
}
