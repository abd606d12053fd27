package dev.marketingconnector.core.discovery;

import dev.marketingconnector.core.ConnectorException;

/** A discovery run that could not be carried out; names the system it was run against. */
public class DiscoveryException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    private final String endpoint;

    public DiscoveryException(String endpoint, String message) {
        this(endpoint, message, null);
    }

    public DiscoveryException(String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
    }

    public String endpoint() {
        return endpoint;
    }
}
