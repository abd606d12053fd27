package dev.marketingconnector.examples.embedding;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.odata.ODataServiceDiscovery;
import java.net.URI;
import java.util.Optional;

/**
 * A side-by-side extension that embeds the connector: it registers the tenant's APIs and events in
 * Kyma, then receives the tenant's events and forwards them. This is the README's embedding snippet.
 */
public final class SideBySideExtension {

    private SideBySideExtension() {
    }

    /** The running event endpoint and its publisher; closing stops both. */
    public record Running(MqttBridge bridge, EventPublisher publisher) implements AutoCloseable {
        @Override
        public void close() {
            bridge.close();
            publisher.close();
        }
    }

    /** Registers, then starts receiving events on {@code httpPort}. */
    public static Running registerAndReceive(ConnectorConfiguration config, URI registryUrl, URI eventsUrl, int httpPort) {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        DiscoveryReport found = ODataServiceDiscovery.create(config).discover(catalog);
        ApplicationRegistration desired = found.toApplicationRegistration(
                config.applicationName(), Optional.of(EventCatalogRegistration.of(catalog)));
        ReconcileResult result = new RegistrationReconciler(new RestApplicationRegistry(registryUrl), catalog.product())
                .reconcile(desired, false);
        System.out.println("Registered: " + result.completed() + ", failed: " + result.failures().size());

        EventPublisher kyma = new CloudEventsPublisher(PublisherConfig.builder(eventsUrl).build(), config.applicationName());
        MqttBridge bridge = new MqttBridge(BridgeConfig.builder()
                .connector(config)
                .httpPort(httpPort)
                .asyncApi(catalog.eventCatalog())
                .publisher(kyma)
                .build()).start();
        return new Running(bridge, kyma);
    }
}
