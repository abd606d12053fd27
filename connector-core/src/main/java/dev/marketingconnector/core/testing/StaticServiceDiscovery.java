package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceDiscovery;
import dev.marketingconnector.core.discovery.ServiceMetadata;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApiRegistration;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link ServiceDiscovery} that answers from a table instead of asking an SAP system: every
 * catalog service is active unless told otherwise.
 *
 * <pre>{@code
 * ServiceDiscovery discovery = new StaticServiceDiscovery()
 *         .status("API_MKT_CONTACT_SRV;v=0002", ServiceStatus.INACTIVE, "no arrangement");
 * }</pre>
 */
public final class StaticServiceDiscovery implements ServiceDiscovery {

    /** The default system URL. */
    public static final URI DEFAULT_SYSTEM_URL = URI.create("https://my-tenant-api.example.com");
    /** The default user. */
    public static final String DEFAULT_USER = "COMM_USER";

    private final URI systemUrl;
    private final CommunicationUser user;
    private final Map<String, DiscoveredStatus> overrides = new HashMap<>();
    private RuntimeException failure;
    private int runs;

    private record DiscoveredStatus(ServiceStatus status, String reason) {
    }

    /** Services at {@link #DEFAULT_SYSTEM_URL}, registered with user {@link #DEFAULT_USER}. */
    public StaticServiceDiscovery() {
        this(DEFAULT_SYSTEM_URL, new CommunicationUser(DEFAULT_USER, Secret.of("not-a-real-password")));
    }

    /**
     * Creates a StaticServiceDiscovery.
     *
     * @param systemUrl the system URL
     * @param user the user
     */
    public StaticServiceDiscovery(URI systemUrl, CommunicationUser user) {
        this.systemUrl = Objects.requireNonNull(systemUrl, "systemUrl");
        this.user = Objects.requireNonNull(user, "user");
    }

    /**
     * Reports the service with this key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) with another status.
     *
     * @param serviceKey the catalog key (e.g. {@code API_MKT_CONTACT_SRV;v=0002}) or the bare service name
     * @param status the HTTP status
     * @param reason why
     * @return this StaticServiceDiscovery
     */
    public synchronized StaticServiceDiscovery status(String serviceKey, ServiceStatus status, String reason) {
        Objects.requireNonNull(serviceKey, "serviceKey");
        if (status == ServiceStatus.ACTIVE) {
            overrides.remove(serviceKey);
        } else {
            overrides.put(serviceKey, new DiscoveredStatus(status, reason));
        }
        return this;
    }

    /**
     * The next runs throw this exception (e.g. an {@code AuthenticationFailedException}) until cleared with null.
     *
     * @param failure the failure
     * @return this StaticServiceDiscovery
     */
    public synchronized StaticServiceDiscovery failWith(RuntimeException failure) {
        this.failure = failure;
        return this;
    }

    /** {@return the runs} */
    public synchronized int runs() {
        return runs;
    }

    @Override
    public synchronized DiscoveryReport discover(ServiceCatalog catalog, Consumer<DiscoveredService> progress) {
        runs++;
        if (failure != null) {
            throw failure;
        }
        List<DiscoveredService> results = new ArrayList<>();
        for (CatalogService service : catalog.services()) {
            if (!overrides.isEmpty() && overrides.containsKey(service.key())) {
                DiscoveredStatus status = overrides.get(service.key());
                results.add(DiscoveredService.notActive(service, status.status(), status.reason()));
            } else {
                URI root = URI.create(systemUrl + service.path());
                ApiRegistration registration = ApiRegistration.forODataService(catalog, service, root, user, Optional.empty());
                results.add(DiscoveredService.active(service, registration,
                        new ServiceMetadata(service.name(), List.of(), List.of(), Optional.of(service.displayName()))));
            }
            progress.accept(results.get(results.size() - 1));
        }
        return new DiscoveryReport(catalog, results, Duration.ZERO);
    }
}
