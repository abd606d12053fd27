package dev.marketingconnector.core.registration;

import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/** User and password, and where to fetch a CSRF token before a modifying call (the OData service root). */
public record BasicCredentials(String username, Secret password, Optional<URI> csrfTokenEndpoint) implements Credentials {

    public BasicCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(csrfTokenEndpoint, "csrfTokenEndpoint");
    }
}
