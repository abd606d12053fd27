package dev.marketingconnector.mqtt;

import java.time.Duration;

/**
 * Observes what the bridge does, for metrics and status pages. Every method has a no-op default,
 * so an implementation overrides only what it needs. Methods run on the bridge's I/O threads:
 * keep them quick and non-blocking. An exception thrown here is logged and otherwise ignored.
 *
 * <p>Arguments are bounded for metric tags where they are enums; client ids and topics are not,
 * so do not use them as tag values.
 */
public interface BridgeListener {

    /** Why a client was not let in. */
    enum ConnectRefusal {
        /** No bearer token at the WebSocket upgrade (nor as the CONNECT password, where allowed). */
        NO_TOKEN,
        /** A token that is malformed, forged, or for another issuer or audience. */
        BAD_TOKEN,
        /** A correctly signed token past its expiry. */
        EXPIRED_TOKEN,
        /** Not MQTT 3.1.1, or CONNECT flags the bridge refuses. */
        UNSUPPORTED_PROTOCOL_VERSION,
        /** An empty client id with a persistent session, or an over-long client id. */
        IDENTIFIER_REJECTED,
        /** The bridge is shutting down. */
        SHUTTING_DOWN,
        /** A socket over {@code maxConnections} or {@code maxConnectionsPerAddress}, closed as soon as it was accepted. */
        CONNECTION_LIMIT
    }

    /** Why a connection ended. */
    enum CloseReason {
        /** The client sent DISCONNECT or closed the WebSocket. */
        CLIENT_DISCONNECTED,
        /** The network connection dropped. */
        CONNECTION_LOST,
        /** No packet within 1.5 times the client's keep-alive (or no CONNECT in time). */
        TIMEOUT,
        /** The client broke the protocol: garbage, a packet before CONNECT, a second CONNECT, a bad topic, an oversized frame. */
        PROTOCOL_VIOLATION,
        /** Transient forwarding failures outlasted the retry budget: closed without PUBACK, so the client redelivers. */
        FORWARDING_FAILED,
        /** Another connection with the same client id replaced this one. */
        TAKEN_OVER,
        /** The bridge shut down. */
        SHUTDOWN
    }

    /** The outcome of a request to the token endpoint. */
    enum TokenOutcome {
        /** A token was issued (200). */
        ISSUED,
        /** Unknown client or wrong secret (401). */
        INVALID_CLIENT,
        /** A grant other than client credentials (400). */
        UNSUPPORTED_GRANT_TYPE,
        /** Missing grant type, wrong method or content type, duplicated parameters (400/405). */
        INVALID_REQUEST,
        /** Too many failed requests from the address lately (429 with Retry-After); the credentials were not checked. */
        THROTTLED
    }

    /**
     * A client's CONNECT was accepted.
     *
     * @param clientId the client id
     * @param remoteAddress the remote address
     */
    default void connectionOpened(String clientId, String remoteAddress) {
    }

    /**
     * An accepted connection ended.
     *
     * @param clientId the client id
     * @param remoteAddress the remote address
     * @param reason why
     */
    default void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
    }

    /**
     * A WebSocket upgrade or a CONNECT was refused, or a socket over a connection limit was closed.
     *
     * @param remoteAddress the remote address
     * @param reason why
     */
    default void connectRefused(String remoteAddress, ConnectRefusal reason) {
    }

    /**
     * A PUBLISH arrived (duplicates of a message still in flight are not counted).
     *
     * @param clientId the client id
     * @param topic the MQTT topic
     */
    default void eventReceived(String clientId, String topic) {
    }

    /**
     * The event service accepted an event; {@code latency} runs from the PUBLISH's arrival.
     *
     * @param clientId the client id
     * @param latency the delay
     */
    default void eventForwarded(String clientId, Duration latency) {
    }

    /**
     * Forwarding failed transiently; the bridge makes attempt {@code attempt} after a back-off. Only
     * for a publisher that does not retry by itself: one that does (the Kyma publishers) reports its
     * own retries (their resilience4j {@code Retry} events).
     *
     * @param clientId the client id
     * @param attempt the attempt
     * @param failure the failure
     */
    default void eventRetried(String clientId, int attempt, RuntimeException failure) {
    }

    /**
     * A message was acknowledged without being forwarded.
     *
     * @param deadLetter the dead letter
     */
    default void eventDeadLettered(DeadLetter deadLetter) {
    }

    /**
     * A request to the token endpoint was answered.
     *
     * @param outcome the outcome
     */
    default void tokenRequest(TokenOutcome outcome) {
    }
}
