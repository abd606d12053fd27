package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.ConnectorException;

/**
 * The bridge could not start (a port in use, unreadable TLS files) or was used in the wrong state.
 * The message names the address or file; the I/O library's exception is the cause.
 */
public class BridgeException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the message
     */
    public BridgeException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message the message
     * @param cause the cause
     */
    public BridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
