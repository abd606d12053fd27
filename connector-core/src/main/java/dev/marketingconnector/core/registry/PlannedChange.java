package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.Registration;
import java.util.List;
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
 * @param drift        for an update that repairs an entry edited by hand, the fields that differ from
 *                     what the connector wrote (e.g. {@code name}, {@code api.targetUrl}); else empty
 */
public record PlannedChange(
        ChangeAction action, String identifier, String name, Optional<String> registryId,
        Optional<Registration> registration, String reason, List<String> drift) {

    /**
     * Checks the components.
     *
     * @param action what to do
     * @param identifier the entry's stable identity
     * @param name its display name
     * @param registryId the id in the registry, for update, delete and unchanged
     * @param registration what to write, for create and update (already carrying the connector's labels)
     * @param reason why, in a few words
     * @param drift the drift
     */
    public PlannedChange {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(registryId, "registryId");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(reason, "reason");
        drift = List.copyOf(drift);
    }

    /**
     * A change that repairs no drift.
     *
     * @param action the action
     * @param identifier the identifier
     * @param name the name
     * @param registryId the registry id
     * @param registration the registration
     * @param reason the reason
     */
    public PlannedChange(ChangeAction action, String identifier, String name, Optional<String> registryId,
            Optional<Registration> registration, String reason) {
        this(action, identifier, name, registryId, registration, reason, List.of());
    }
}
