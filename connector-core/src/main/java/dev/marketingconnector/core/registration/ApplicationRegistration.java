package dev.marketingconnector.core.registration;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the connector wants registered in one Kyma Application.
 *
 * @param applicationName the Kyma Application
 * @param entries         the registrations that should exist, each identifier once
 * @param retained        identifiers whose state could not be determined this run (a service that was
 *                        unreachable, say): their existing entries are left as they are, neither
 *                        updated nor deleted
 */
public record ApplicationRegistration(String applicationName, List<Registration> entries, Set<String> retained) {

    /**
     * Checks the components.
     *
     * @param applicationName the Kyma Application
     * @param entries the registrations that should exist, each identifier once
     * @param retained identifiers whose state could not be determined this run (a service that was unreachable, say): their existing entries are left as they are, neither updated nor deleted
     */
    public ApplicationRegistration {
        Objects.requireNonNull(applicationName, "applicationName");
        entries = List.copyOf(entries);
        retained = Set.copyOf(retained);
        Set<String> seen = new HashSet<>();
        for (Registration entry : entries) {
            if (!seen.add(entry.identifier())) {
                throw new IllegalArgumentException("identifier '" + entry.identifier() + "' is registered twice in " + applicationName);
            }
        }
    }

    /**
     * Creates an ApplicationRegistration.
     *
     * @param applicationName the Kyma Application
     * @param entries the entries
     */
    public ApplicationRegistration(String applicationName, List<Registration> entries) {
        this(applicationName, entries, Set.of());
    }
}
