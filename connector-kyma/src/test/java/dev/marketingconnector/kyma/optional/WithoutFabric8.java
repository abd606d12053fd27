package dev.marketingconnector.kyma.optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventTypeMapper;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.registry.ApplicationResourceConfig;
import dev.marketingconnector.kyma.registry.ApplicationResourceRegistry;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/** What a user of connector-kyma without fabric8 runs; loaded through {@link IsolatedClassPath}. */
public final class WithoutFabric8 {

    private WithoutFabric8() {
    }

    /** Uses the Application resource registry, which needs fabric8. */
    public static Object connectApplicationResourceRegistry() {
        return ApplicationResourceRegistry.connect(ApplicationResourceConfig.builder("mkt-test").build());
    }

    /** Touches the registry class without going through its config builder (passing no config). */
    public static Object connectWithoutConfig() {
        return ApplicationResourceRegistry.connect(null);
    }

    /** Registers the event catalog through the REST registry and publishes one CloudEvent, all against MockKyma; returns what MockKyma saw. */
    public static String restRegistryAndPublisher() throws Exception {
        try (MockKyma kyma = MockKyma.builder().start();
                CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(), "mkt-test")) {
            new RestApplicationRegistry(kyma.registryUrl("mkt-test")).create(EventCatalogRegistration.of(ServiceCatalog.marketing()));
            publisher.publish(new BusinessEvent(UUID.randomUUID(), EventTypeMapper.map("BO.MarketingPermission.Changed"),
                    OffsetDateTime.now(), JsonNodeFactory.instance.objectNode().put("id", "4711"))).toCompletableFuture().join();
            return kyma.services("mkt-test").size() + " service, " + kyma.awaitEvents(1, Duration.ofSeconds(10)).size() + " event";
        }
    }
}
