package dev.marketingconnector.examples.c4c;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import dev.marketingconnector.kyma.events.CloudEventsPublisher;
import dev.marketingconnector.kyma.events.PublisherConfig;
import dev.marketingconnector.kyma.registry.RestApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.DiscoveryConfig;
import dev.marketingconnector.odata.ODataServiceDiscovery;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The second connector reuses discovery, registry, reconciler and bridge without any special case. */
class CloudForCustomerConnectorTest {

    private static final String APP = "crm-prod";

    private final CloudForCustomerConnector connector = new CloudForCustomerConnector();

    private static String c4cMetadata() throws IOException {
        try (InputStream in = CloudForCustomerConnectorTest.class.getResourceAsStream("/dev/marketingconnector/examples/c4c/c4codataapi.metadata.xml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void catalogHasTheC4cServiceAndEvents() {
        ServiceCatalog catalog = connector.catalog();

        assertThat(catalog.services()).singleElement().satisfies(s -> assertThat(s.path()).isEqualTo("/sap/c4c/odata/v1/c4codataapi"));
        assertThat(catalog.eventTopics()).contains("Account.Root.Created.v1").hasSize(9);
    }

    @Test
    void discoversAndRegistersBesideTheMarketingConnectorWithoutTouchingIt() throws IOException {
        try (MockMarketingSystem c4c = MockMarketingSystem.builder().catalog(connector.catalog())
                .metadata("c4codataapi", c4cMetadata()).start();
                MockKyma kyma = new MockKyma()) {
            RestApplicationRegistry registry = new RestApplicationRegistry(kyma.registryUrl(APP));
            ServiceCatalog marketing = ServiceCatalog.marketing();
            new RegistrationReconciler(registry, marketing.product()).reconcile(new StaticServiceDiscovery().discover(marketing)
                    .toApplicationRegistration(APP, Optional.of(EventCatalogRegistration.of(marketing))), false);
            ODataServiceDiscovery discovery = new ODataServiceDiscovery(
                    DiscoveryConfig.builder().systemUrl(c4c.url()).user(c4c.communicationUser()).build());

            DiscoveryReport report = discovery.discover(connector.catalog());
            ReconcileResult first = connector.register(discovery, registry, APP);
            ReconcileResult second = connector.register(discovery, registry, APP);

            assertThat(report.services()).singleElement().satisfies(s -> {
                assertThat(s.status()).isEqualTo(ServiceStatus.ACTIVE);
                assertThat(s.metadata().orElseThrow().entitySets()).hasSize(1669);
                assertThat(s.registration().orElseThrow().targetUrl().toString()).endsWith("/sap/c4c/odata/v1/c4codataapi");
            });
            assertThat(first.completed().get(ChangeAction.CREATE)).isEqualTo(2);
            assertThat(first.plan().changes(ChangeAction.DELETE)).isEmpty();
            assertThat(second.plan().hasWrites()).isFalse();
            assertThat(kyma.services(APP)).hasSize(30 + 2);
        }
    }

    @Test
    void forwardsC4cEventsThroughTheSameBridge() throws InterruptedException {
        try (MockKyma kyma = new MockKyma();
                CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).build(), APP);
                MqttBridge bridge = connector.bridge(BridgeConfig.builder().host("127.0.0.1").httpPort(0)
                        .oauthClient("c4c-tenant", Secret.of("c4c-client-secret")), publisher).start();
                MarketingEventSimulator tenant = MarketingEventSimulator.builder(bridge.baseUri())
                        .credentials("c4c-tenant", Secret.of("c4c-client-secret")).build().connect()) {

            tenant.publishCloudEvent("Account.Root.Created.v1", JsonNodeFactory.instance.objectNode().put("entity-id", "4711")).join();

            MockKyma.ReceivedEvent event = kyma.awaitEvents(1, Duration.ofSeconds(20)).get(0);
            assertThat(event.type()).isEqualTo("account.root.created");
            assertThat(event.version()).isEqualTo("v1");
            assertThat(event.source()).isEqualTo("crmprod");
        }
    }
}
