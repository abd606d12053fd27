package dev.marketingconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.ConnectorConfiguration;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs small test classes written the way users write them, through the JUnit engine, and checks what the extension did. */
class ConnectorExtensionTest {

    /** Harnesses the sample tests saw, in order. */
    static final List<ConnectorHarness> SEEN = new CopyOnWriteArrayList<>();

    private static Events run(Class<?> testClass) {
        SEEN.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
    }

    @Test
    void connectorTestInjectsThePartsSharesOneHarnessPerClassResetsItAndClosesItAfterwards() {
        Events events = run(AnnotatedSample.class);

        events.assertStatistics(stats -> stats.started(3).succeeded(3));
        assertThat(SEEN).hasSize(3).containsOnly(SEEN.get(0));
        assertThat(SEEN.get(0).bridge().isReady()).isFalse();
        assertThat(SEEN.get(0).simulator().isConnected()).isFalse();
    }

    @Test
    void anInstanceFieldExtensionGivesEveryTestAFreshHarness() {
        Events events = run(PerTestSample.class);

        events.assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(SEEN).allSatisfy(harness -> assertThat(harness.bridge().isReady()).isFalse());
    }

    @Test
    void theAnnotationChoosesCatalogApplicationAndEventsFormat() {
        Events events = run(ConfiguredSample.class);

        events.assertStatistics(stats -> stats.started(1).succeeded(1));
        assertThat(SEEN).singleElement().satisfies(harness -> {
            assertThat(harness.applicationName()).isEqualTo("acme-test");
            assertThat(harness.eventsFormat()).isEqualTo(EventsFormat.KYMA_V1);
            assertThat(harness.catalog().product()).isEqualTo("acme-crm");
        });
    }

    @Test
    void aStaticExtensionAppliesItsSettingsAndNestedClassesShareTheHarness() {
        Events events = run(StaticSample.class);

        events.assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(SEEN).hasSize(2).containsOnly(SEEN.get(0));
        assertThat(SEEN.get(0).bridge().isReady()).isFalse();
    }

    @ConnectorTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class AnnotatedSample {

        @Test
        @Order(1)
        void forwardsAnEvent(ConnectorHarness harness, MarketingEventSimulator sap, MockKyma kyma) throws InterruptedException {
            SEEN.add(harness);
            sap.publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("1")).join();
            assertThat(kyma.awaitEvent(Duration.ofSeconds(20)).source()).isEqualTo("mkttest");
        }

        @Test
        @Order(2)
        void startsFromACleanKyma(ConnectorHarness harness, MockKyma kyma) {
            SEEN.add(harness);
            assertThat(kyma.events()).isEmpty();
            assertThat(kyma.requests()).isEmpty();
        }

        @Test
        @Order(3)
        void injectsEveryPart(ConnectorHarness harness, MockMarketingSystem tenant, MqttBridge bridge, ConnectorConfiguration configuration,
                ServiceCatalog catalog, EventPublisher publisher, ApplicationRegistry registry) {
            SEEN.add(harness);
            assertThat(tenant).isSameAs(harness.tenant());
            assertThat(bridge).isSameAs(harness.bridge());
            assertThat(configuration).isSameAs(harness.configuration());
            assertThat(catalog).isSameAs(harness.catalog());
            assertThat(publisher).isSameAs(harness.publisher());
            assertThat(registry).isSameAs(harness.registry());
        }
    }

    static class PerTestSample {

        @RegisterExtension
        final ConnectorExtension connector = new ConnectorExtension(ConnectorHarness.builder().connectSimulator(false));

        @Test
        void first(ConnectorHarness harness) {
            SEEN.add(harness);
            assertThat(connector.harness()).isSameAs(harness);
        }

        @Test
        void second(ConnectorHarness harness) {
            SEEN.add(harness);
        }
    }

    @ConnectorTest(catalog = "/acme/crm.json", application = "acme-test", eventsFormat = EventsFormat.KYMA_V1)
    static class ConfiguredSample {

        @Test
        void registersTheOtherProduct(ConnectorHarness harness) {
            SEEN.add(harness);
            assertThat(harness.register().succeeded()).isTrue();
            assertThat(harness.kyma().services("acme-test")).hasSize(2);
        }
    }

    static class StaticSample {

        @RegisterExtension
        static final ConnectorExtension CONNECTOR = new ConnectorExtension(ConnectorHarness.builder()
                .prepare(h -> h.kyma().failNext(MockKyma.Route.PUBLISH, 503, 1)));

        @Test
        void retriesThePreparedFault(ConnectorHarness harness, MarketingEventSimulator sap, MockKyma kyma) throws InterruptedException {
            SEEN.add(harness);
            sap.publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("1")).join();
            kyma.awaitEvent(Duration.ofSeconds(20));
            assertThat(kyma.requestCount(MockKyma.Route.PUBLISH)).isEqualTo(2);
        }

        @Nested
        class Inner {

            @Test
            void seesTheSameHarness(ConnectorHarness harness) {
                SEEN.add(harness);
                assertThat(harness).isSameAs(CONNECTOR.harness());
            }
        }
    }
}
