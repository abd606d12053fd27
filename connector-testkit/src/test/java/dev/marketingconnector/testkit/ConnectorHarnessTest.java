package dev.marketingconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.testing.MockKyma.RegisteredService;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorHarnessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void registersTheTenantsServicesInMockKymaAndForwardsTenEventsWithSharedCredentialsOnLoopback() throws InterruptedException {
        try (ConnectorHarness connector = ConnectorHarness.start()) {
            assertThat(connector.configuration().systemUrl()).isEqualTo(connector.tenant().url());
            assertThat(connector.configuration().user()).isEqualTo(connector.tenant().communicationUser().name());
            assertThat(List.of(connector.tenant().url().getHost(), connector.kyma().url().getHost(), connector.bridge().baseUri().getHost()))
                    .containsOnly("127.0.0.1");
            assertThat(Set.of(connector.tenant().port(), connector.kyma().port(), connector.bridge().httpPort())).hasSize(3);
            assertThat(connector.simulator().isConnected()).isTrue();

            ReconcileResult result = connector.register();

            assertThat(result.succeeded()).isTrue();
            assertThat(result.completed().get(ChangeAction.CREATE)).isEqualTo(27);
            List<RegisteredService> services = connector.kyma().services(ConnectorHarness.DEFAULT_APPLICATION);
            assertThat(services).hasSize(27);
            assertThat(services).filteredOn(RegisteredService::isApi).hasSize(26).allSatisfy(api -> {
                assertThat(api.targetUrl()).hasValueSatisfying(url -> assertThat(url.toString()).startsWith(connector.tenant().url().toString()));
                assertThat(api.credentials()).hasValueSatisfying(c -> assertThat(c.user()).isEqualTo(connector.configuration().user()));
                assertThat(api.csrfTokenUrl()).isEqualTo(api.targetUrl());
            });
            assertThat(services).filteredOn(RegisteredService::isEvents).singleElement()
                    .satisfies(events -> assertThat(events.eventsSpec()).isPresent());

            MarketingEventSimulator.Report report = connector.simulator().sendSampleEvents(10);

            assertThat(report.acknowledged()).isEqualTo(10);
            assertThat(connector.kyma().awaitEvents(10, WAIT)).hasSize(10)
                    .allSatisfy(event -> {
                        assertThat(event.source()).isEqualTo("mkttest").isEqualTo(connector.eventsSource());
                        assertThat(event.isCloudEvent()).isTrue();
                    });
        }
    }

    @Test
    void forwardsEventsV1ForKyma1AndTakesItsOwnApplicationAndClient() throws InterruptedException {
        try (ConnectorHarness connector = ConnectorHarness.builder()
                .eventsFormat(EventsFormat.KYMA_V1)
                .applicationName("mkt-legacy")
                .oauthClient("tenant-client", Secret.of("tenant-client-secret-0123456789"))
                .start()) {
            connector.simulator().publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("4711")).join();

            MockKyma.ReceivedEvent event = connector.kyma().awaitEvent(WAIT);
            assertThat(event.route()).isEqualTo(Route.EVENTS_V1_APPLICATION);
            assertThat(event.source()).isEqualTo("mkt-legacy").isEqualTo(connector.eventsSource());
            assertThat(event.eventType().qualified()).isEqualTo("bo.marketingpermission.changed.v1");
            assertThat(connector.eventsUrl()).isEqualTo(connector.kyma().eventsUrl("mkt-legacy"));
            assertThat(connector.configuration().oauthClientId()).isEqualTo("tenant-client");
        }
    }

    @Test
    void aFaultPreparedOnceAppliesAgainAfterEveryReset() throws InterruptedException {
        try (ConnectorHarness connector = ConnectorHarness.builder()
                .prepare(h -> h.kyma().failNext(Route.PUBLISH, 503, 2))
                .start()) {
            for (int round = 0; round < 2; round++) {
                connector.simulator().publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("1")).join();

                assertThat(connector.kyma().awaitEvents(1, WAIT)).hasSize(1);
                assertThat(connector.kyma().requests()).extracting(MockKyma.RecordedRequest::status).containsExactly(503, 503, 204);
                connector.reset();
                assertThat(connector.kyma().events()).isEmpty();
            }
        }
    }

    @Test
    void servesAnotherProductsCatalogWithTheMetadataNextToIt() throws InterruptedException {
        try (ConnectorHarness connector = ConnectorHarness.builder().catalogFromClasspath("/acme/crm.json").start()) {
            assertThat(connector.tenant().activeServices()).containsExactly("ACME_ACCOUNT_SRV;v=0001");

            ReconcileResult result = connector.register();

            assertThat(result.succeeded()).isTrue();
            assertThat(connector.kyma().services(ConnectorHarness.DEFAULT_APPLICATION)).extracting(RegisteredService::name)
                    .containsExactlyInAnyOrder("ACME Accounts", "ACME CRM Events");
            assertThat(connector.kyma().services(ConnectorHarness.DEFAULT_APPLICATION)).filteredOn(RegisteredService::isApi).singleElement()
                    .satisfies(api -> assertThat(api.specificationUrl()).contains(
                            URI.create(connector.tenant().serviceRoot("ACME_ACCOUNT_SRV;v=0001") + "/$metadata")));
            connector.simulator().publishCloudEvent("acme.account.created.v1", MarketingEventSimulator.marketingPermissionData("7")).join();
            assertThat(connector.kyma().awaitEvent(WAIT).qualifiedType()).isEqualTo("acme.account.created.v1");
        }
    }

    @Test
    void closeStopsEveryPart() throws IOException {
        ConnectorHarness connector = ConnectorHarness.start();
        List<Integer> ports = List.of(connector.tenant().port(), connector.kyma().port(), connector.bridge().httpPort());

        connector.close();

        assertThat(connector.simulator().isConnected()).isFalse();
        assertThat(connector.bridge().isReady()).isFalse();
        for (int port : ports) {
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aPartThatCannotStartStopsThePartsAlreadyStarted() throws IOException {
        int tenantPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tenantPort = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> ConnectorHarness.builder()
                    .tenant(t -> t.port(tenantPort))
                    .kyma(k -> k.port(taken.getLocalPort()))
                    .start())
                    .hasMessageContaining("MockKyma cannot listen on port " + taken.getLocalPort());
        }
        try (ServerSocket again = new ServerSocket(tenantPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(tenantPort);
        }
    }

    @Test
    void toStringShowsTheAddressesButNoSecret() {
        try (ConnectorHarness connector = ConnectorHarness.builder().connectSimulator(false).start()) {
            assertThat(connector.simulator().isConnected()).isFalse();
            assertThat(connector.toString()).contains(connector.bridge().baseUri().toString())
                    .doesNotContain(connector.configuration().oauthClientSecret().reveal())
                    .doesNotContain(connector.configuration().password().reveal());
        }
    }
}
