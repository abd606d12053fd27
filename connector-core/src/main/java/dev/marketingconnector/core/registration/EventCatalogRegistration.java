package dev.marketingconnector.core.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import java.util.Map;
import java.util.Objects;

/**
 * The event catalog entry: the AsyncAPI document of the business events the connector forwards.
 * Kyma 1.x stores the document inline; current Kyma stores a URL where the connector serves it.
 */
public record EventCatalogRegistration(
        String identifier,
        String name,
        String description,
        String provider,
        ObjectNode asyncApi,
        Map<String, String> labels) implements Registration {

    /**
     * Checks the components.
     *
     * @param identifier the stable identifier
     * @param name the name
     * @param description the description
     * @param provider the provider
     * @param asyncApi the async API
     * @param labels the labels
     */
    public EventCatalogRegistration {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(asyncApi, "asyncApi");
        asyncApi = asyncApi.deepCopy();
        labels = Map.copyOf(labels);
    }

    /**
     * The event catalog entry of a product's catalog.
     *
     * @param catalog the service catalog
     * @return the event catalog registration
     */
    public static EventCatalogRegistration of(ServiceCatalog catalog) {
        return new EventCatalogRegistration(
                catalog.eventCatalogIdentifier(),
                catalog.displayName() + " Events",
                "Business events of " + catalog.displayName() + ", forwarded by the connector",
                catalog.provider(),
                catalog.eventCatalog(),
                Map.of());
    }

    /** {@return the AsyncAPI document (a copy)} */
    @Override
    public ObjectNode asyncApi() {
        return asyncApi.deepCopy();
    }

    /** {@return the AsyncAPI document as a read-only view; do not change it} */
    public JsonNode asyncApiView() {
        return asyncApi;
    }

    @Override
    public EventCatalogRegistration withLabels(Map<String, String> labels) {
        return new EventCatalogRegistration(identifier, name, description, provider, asyncApi, labels);
    }
}
