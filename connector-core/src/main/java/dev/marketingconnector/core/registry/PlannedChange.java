package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.Registration;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a {@link RegistrationPlan}.
 *
 * @param action       what to do
 * @param identifier   the entry's stable identity
 * @param name         its display name
 * @param registryId   the id in the registry, for update, delete and unchanged
 * @param registration what to write, for create and update (already carrying the connector's labels)
 * @param reason       why, in a few words
 */
public record PlannedChange(
        ChangeAction action, String identifier, String name, Optional<String> registryId,
        Optional<Registration> registration, String reason) {

    /**
     * Checks the components.
     *
     * @param action what to do
     * @param identifier the entry's stable identity
     * @param name its display name
     * @param registryId the id in the registry, for update, delete and unchanged
     * @param registration what to write, for create and update (already carrying the connector's labels)
     * @param reason why, in a few words
     */
    public PlannedChange {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(registryId, "registryId");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(reason, "reason");
    }
}
