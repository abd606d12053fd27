package dev.marketingconnector.core.communication;

import dev.marketingconnector.core.config.Secret;
import java.util.Objects;

/** The technical user an SAP communication arrangement grants access to; its password stays masked. */
public record CommunicationUser(String name, Secret password) {

    /**
     * Checks the components.
     *
     * @param name the name
     * @param password the password
     */
    public CommunicationUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        if (name.isBlank()) {
            throw new IllegalArgumentException("communication user name must not be blank");
        }
    }
}
