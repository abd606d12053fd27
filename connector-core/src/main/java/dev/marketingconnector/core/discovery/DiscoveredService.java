package dev.marketingconnector.core.discovery;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.registration.ApiRegistration;
import java.util.Objects;
import java.util.Optional;

/**
 * The result for one catalog service: its status, why, and for active services the registration to
 * write and the metadata it was built from.
 */
public record DiscoveredService(
        CatalogService service, ServiceStatus status, String reason,
        Optional<ApiRegistration> registration, Optional<ServiceMetadata> metadata) {

    /**
     * Checks the components.
     *
     * @param service the catalog service
     * @param status the HTTP status
     * @param reason why
     * @param registration the registration
     * @param metadata the metadata
     */
    public DiscoveredService {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(metadata, "metadata");
        if (status == ServiceStatus.ACTIVE && registration.isEmpty()) {
            throw new IllegalArgumentException("active service " + service.key() + " needs a registration");
        }
    }

    /**
     * An active service, with its registration and metadata.
     *
     * @param service the catalog service
     * @param registration the registration
     * @param metadata the metadata
     * @return the discovered service
     */
    public static DiscoveredService active(CatalogService service, ApiRegistration registration, ServiceMetadata metadata) {
        return new DiscoveredService(service, ServiceStatus.ACTIVE, "active", Optional.of(registration), Optional.of(metadata));
    }

    /**
     * A service that is not active (inactive, unauthorised, unreachable or with invalid metadata), and why.
     *
     * @param service the catalog service
     * @param status the HTTP status
     * @param reason why
     * @return the discovered service
     */
    public static DiscoveredService notActive(CatalogService service, ServiceStatus status, String reason) {
        if (status == ServiceStatus.ACTIVE) {
            throw new IllegalArgumentException("use active(...) for an active service");
        }
        return new DiscoveredService(service, status, reason, Optional.empty(), Optional.empty());
    }
}
