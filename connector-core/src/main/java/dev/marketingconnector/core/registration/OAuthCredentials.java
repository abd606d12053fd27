package dev.marketingconnector.core.registration;

import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.util.Objects;

/** An OAuth 2.0 client that Kyma uses to get tokens from {@code tokenUrl}. */
public record OAuthCredentials(URI tokenUrl, String clientId, Secret clientSecret) implements Credentials {

    /**
     * Checks the components.
     *
     * @param tokenUrl the token URL
     * @param clientId the client id
     * @param clientSecret the client secret
     */
    public OAuthCredentials {
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
    }
}
