package dev.marketingconnector.core.registration;

import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/** User and password, and where to fetch a CSRF token before a modifying call (the OData service root). */
public record BasicCredentials(String username, Secret password, Optional<URI> csrfTokenEndpoint) implements Credentials {

    /**
     * Checks the components.
     *
     * @param username the username
     * @param password the password
     * @param csrfTokenEndpoint the CSRF token endpoint
     */
    public BasicCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(csrfTokenEndpoint, "csrfTokenEndpoint");
    }
}
