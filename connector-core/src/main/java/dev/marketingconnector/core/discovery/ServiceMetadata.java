package dev.marketingconnector.core.discovery;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What a service's {@code $metadata} says, in plain values: schema namespace, entity sets, function imports, label. */
public record ServiceMetadata(String namespace, List<String> entitySets, List<String> functionImports, Optional<String> label) {

    public ServiceMetadata {
        Objects.requireNonNull(namespace, "namespace");
        entitySets = List.copyOf(entitySets);
        functionImports = List.copyOf(functionImports);
        Objects.requireNonNull(label, "label");
    }
}
