package dev.marketingconnector.core;

/**
 * The one unchecked root of every error the connector raises. Subclasses carry the endpoint,
 * field or name the error is about; exceptions of the libraries underneath (HTTP clients, Netty,
 * Olingo, fabric8) travel as the cause, never in a public signature.
 */
public class ConnectorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the message
     */
    public ConnectorException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message the message
     * @param cause the cause
     */
    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
