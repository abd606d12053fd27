package dev.marketingconnector.core.registry;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An entry as the registry lists it: its registry id, display name, identifier (if any) and labels. */
public record RegisteredEntry(String id, String name, Optional<String> identifier, Map<String, String> labels) {

    /**
     * Checks the components.
     *
     * @param id the id
     * @param name the name
     * @param identifier the stable identifier
     * @param labels the labels
     */
    public RegisteredEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(identifier, "identifier");
        labels = Map.copyOf(labels);
    }
}
