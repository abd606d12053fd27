package dev.marketingconnector.core.registration;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.communication.CommunicationUser;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An API entry: where the API lives ({@code targetUrl}), where its specification is (for OData the
 * {@code $metadata} document), its type and the credentials Kyma calls it with.
 */
public record ApiRegistration(
        String identifier,
        String name,
        String description,
        String provider,
        URI targetUrl,
        URI specificationUrl,
        String apiType,
        Credentials credentials,
        Map<String, String> labels) implements Registration {

    /** The API type OData. */
    public static final String API_TYPE_ODATA = "OData";

    /**
     * Checks the components.
     *
     * @param identifier the stable identifier
     * @param name the name
     * @param description the description
     * @param provider the provider
     * @param targetUrl the target URL
     * @param specificationUrl the specification URL
     * @param apiType the API type
     * @param credentials the credentials
     * @param labels the labels
     */
    public ApiRegistration {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(targetUrl, "targetUrl");
        Objects.requireNonNull(specificationUrl, "specificationUrl");
        Objects.requireNonNull(apiType, "apiType");
        Objects.requireNonNull(credentials, "credentials");
        labels = Map.copyOf(labels);
        if (identifier.isBlank()) {
            throw new IllegalArgumentException("identifier must not be blank");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name of '" + identifier + "' must not be blank");
        }
    }

    /**
     * The registration of an OData service of a catalog, reached at {@code serviceRoot} (no trailing
     * slash) with the communication user: specification {@code <root>/$metadata}, basic credentials,
     * CSRF tokens fetched from the service root. An empty {@code description} falls back to the
     * catalog's text.
     *
     * @param catalog the service catalog
     * @param service the catalog service
     * @param serviceRoot the service root
     * @param user the user
     * @param description the description
     * @return the API registration
     */
    public static ApiRegistration forODataService(ServiceCatalog catalog, CatalogService service, URI serviceRoot,
            CommunicationUser user, Optional<String> description) {
        String root = serviceRoot.toString();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        URI target = URI.create(root);
        String text = description.filter(d -> !d.isBlank()).orElse(service.description());
        return new ApiRegistration(
                catalog.identifierFor(service),
                service.displayName(),
                text,
                catalog.provider(),
                target,
                URI.create(root + "/$metadata"),
                API_TYPE_ODATA,
                new BasicCredentials(user.name(), user.password(), Optional.of(target)),
                Map.of());
    }

    @Override
    public ApiRegistration withLabels(Map<String, String> labels) {
        return new ApiRegistration(identifier, name, description, provider, targetUrl, specificationUrl, apiType, credentials, labels);
    }
}
