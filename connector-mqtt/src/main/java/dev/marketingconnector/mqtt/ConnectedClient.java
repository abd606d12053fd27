package dev.marketingconnector.mqtt;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one connected MQTT client, for status pages.
 *
 * @param clientId       the MQTT client identifier (one the bridge assigned when the client sent none)
 * @param remoteAddress  the peer's address as {@code host:port}
 * @param transport      {@code "websocket"} or {@code "tcp"}
 * @param connectedSince when its CONNECT was accepted
 * @param lastEventAt    when it last published, if it did
 * @param events         PUBLISH packets received on this connection
 * @param failures       of those, how many were dead-lettered or could not be forwarded
 */
public record ConnectedClient(String clientId, String remoteAddress, String transport, Instant connectedSince,
        Optional<Instant> lastEventAt, long events, long failures) {

    /**
     * Checks the components.
     *
     * @param clientId the MQTT client identifier (one the bridge assigned when the client sent none)
     * @param remoteAddress the peer's address as {@code host:port}
     * @param transport {@code "websocket"} or {@code "tcp"}
     * @param connectedSince when its CONNECT was accepted
     * @param lastEventAt when it last published, if it did
     * @param events PUBLISH packets received on this connection
     * @param failures of those, how many were dead-lettered or could not be forwarded
     */
    public ConnectedClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(connectedSince, "connectedSince");
        Objects.requireNonNull(lastEventAt, "lastEventAt");
    }
}
