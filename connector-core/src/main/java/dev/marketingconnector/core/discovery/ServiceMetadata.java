package dev.marketingconnector.core.discovery;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a service's {@code $metadata} says, in plain values: schema namespace, entity sets, function
 * imports, the service's {@code sap:label} and each entity set's label (the set's own, else its
 * entity type's), where the document has them.
 */
public record ServiceMetadata(String namespace, List<String> entitySets, List<String> functionImports, Optional<String> label,
        Map<String, String> entitySetLabels) {

    /**
     * Checks the components.
     *
     * @param namespace the namespace
     * @param entitySets the entity sets
     * @param functionImports the function imports
     * @param label the label
     * @param entitySetLabels the entity set labels
     */
    public ServiceMetadata {
        Objects.requireNonNull(namespace, "namespace");
        entitySets = List.copyOf(entitySets);
        functionImports = List.copyOf(functionImports);
        Objects.requireNonNull(label, "label");
        entitySetLabels = Map.copyOf(entitySetLabels);
    }

    /**
     * Metadata without entity-set labels.
     *
     * @param namespace the namespace
     * @param entitySets the entity sets
     * @param functionImports the function imports
     * @param label the label
     */
    public ServiceMetadata(String namespace, List<String> entitySets, List<String> functionImports, Optional<String> label) {
        this(namespace, entitySets, functionImports, label, Map.of());
    }
}
