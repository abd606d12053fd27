package dev.marketingconnector.examples.c4c;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceDiscovery;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import java.util.Optional;

/**
 * A second connector built on the same core: SAP Cloud for Customer. It brings only its catalog
 * file (one OData service at {@code /sap/c4c/odata/v1/c4codataapi} and its event catalog) and
 * reuses discovery, registries, the reconciler and the MQTT bridge unchanged. Because the catalog's
 * product name is the reconciler's owner, it shares an Application with the Marketing connector
 * without touching the Marketing entries.
 */
public final class CloudForCustomerConnector {

    /** The bundled Cloud for Customer catalog. */
    public static final String CATALOG_RESOURCE = "/dev/marketingconnector/examples/c4c/cloud-for-customer.json";

    private final ServiceCatalog catalog = ServiceCatalog.fromClasspath(CATALOG_RESOURCE);

    public ServiceCatalog catalog() {
        return catalog;
    }

    /** Discovers the tenant's services and brings the Application in line. */
    public ReconcileResult register(ServiceDiscovery discovery, ApplicationRegistry registry, String applicationName) {
        DiscoveryReport report = discovery.discover(catalog);
        return new RegistrationReconciler(registry, catalog.product())
                .reconcile(report.toApplicationRegistration(applicationName, Optional.of(EventCatalogRegistration.of(catalog))), false);
    }

    /** The event endpoint for the tenant's events, with the C4C event catalog at {@code /asyncapi.json}. */
    public MqttBridge bridge(BridgeConfig.Builder settings, EventPublisher publisher) {
        return new MqttBridge(settings.asyncApi(catalog.eventCatalog()).publisher(publisher).build());
    }
}
