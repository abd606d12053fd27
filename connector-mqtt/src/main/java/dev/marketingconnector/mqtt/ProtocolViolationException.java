package dev.marketingconnector.mqtt;

/** A peer broke the MQTT or WebSocket protocol; the message says how. Never leaves the bridge. */
final class ProtocolViolationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ProtocolViolationException(String message) {
        super(message, null, false, false);
    }
}
