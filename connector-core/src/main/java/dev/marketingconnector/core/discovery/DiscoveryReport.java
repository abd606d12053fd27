package dev.marketingconnector.core.discovery;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.Registration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** What a discovery run found, one result per catalog service in catalog order. */
public record DiscoveryReport(ServiceCatalog catalog, List<DiscoveredService> services, Duration took) {

    /**
     * Checks the components.
     *
     * @param catalog the service catalog
     * @param services the services
     * @param took the took
     */
    public DiscoveryReport {
        Objects.requireNonNull(catalog, "catalog");
        services = List.copyOf(services);
        Objects.requireNonNull(took, "took");
    }

    /**
     * The services with this status, in catalog order.
     *
     * @param status the HTTP status
     * @return those services
     */
    public List<DiscoveredService> withStatus(ServiceStatus status) {
        return services.stream().filter(s -> s.status() == status).toList();
    }

    /**
     * How many services have this status.
     *
     * @param status the HTTP status
     * @return the count
     */
    public int count(ServiceStatus status) {
        return withStatus(status).size();
    }

    /**
     * The desired state of the Application: one API entry per active service and, if given, the
     * event catalog. Services whose state could not be determined (unreachable, unauthorised,
     * invalid metadata) are retained: an entry made for them in an earlier run is left alone rather
     * than deleted because of a passing fault. Inactive services are not desired, so their earlier
     * entries are removed.
     *
     * @param applicationName the Kyma Application
     * @param events the events
     * @return the desired state of the Application: one API entry per active service and, if given, the event catalog
     */
    public ApplicationRegistration toApplicationRegistration(String applicationName, Optional<EventCatalogRegistration> events) {
        List<Registration> entries = new ArrayList<>();
        Set<String> retained = new HashSet<>();
        for (DiscoveredService result : services) {
            if (result.status() == ServiceStatus.ACTIVE) {
                entries.add(result.registration().orElseThrow());
            } else if (result.status() != ServiceStatus.INACTIVE) {
                retained.add(catalog.identifierFor(result.service()));
            }
        }
        events.ifPresent(entries::add);
        return new ApplicationRegistration(applicationName, entries, retained);
    }
}
