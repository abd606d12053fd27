package dev.marketingconnector.core.communication;

import java.util.Objects;
import java.util.Optional;

/**
 * The SAP side's record of the connector: an id, the host it reaches (for events, the MQTT host
 * {@code mqtt.<domain>}), and the OAuth client it authenticates with when it sends events.
 */
public record CommunicationSystem(String id, String hostName, Optional<String> oauthClientId) {

    /**
     * Checks the components.
     *
     * @param id the id
     * @param hostName the host name
     * @param oauthClientId the OAuth client id
     */
    public CommunicationSystem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(oauthClientId, "oauthClientId");
    }
}
