package dev.marketingconnector.mqtt.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarketingEventSimulatorTest {

    private static final String SECRET = "simulator-test-secret";

    private final RecordingEventPublisher publisher = new RecordingEventPublisher();
    private MqttBridge bridge;

    @BeforeEach
    void start() {
        bridge = new MqttBridge(BridgeConfig.builder()
                .loopbackOnFreePort()
                .oauthClient("sap-marketing", Secret.of(SECRET))
                .topicSpace(MarketingEventSimulator.DEFAULT_TOPIC_SPACE)
                .publisher(publisher)
                .build()).start();
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private MarketingEventSimulator.Builder simulator() {
        return MarketingEventSimulator.builder(bridge.baseUri()).credentials("sap-marketing", Secret.of(SECRET));
    }

    @Test
    void publishesBothSapShapesThatTheBridgeMapsAndAcknowledges() throws Exception {
        try (MarketingEventSimulator sap = simulator().build().connect()) {
            assertThat(sap.isConnected()).isTrue();

            sap.publishLegacy("BO.MarketingPermission.Changed", MarketingEventSimulator.marketingPermissionData("4711")).join();
            sap.publishCloudEvent("sap.s4.beh.marketingcampaign.v1.MarketingCampaign.Completed.v1",
                    new ObjectMapper().createObjectNode().put("MarketingCampaign", "42")).join();

            assertThat(sap.published()).isEqualTo(2);
            assertThat(sap.acknowledged()).isEqualTo(2);
            assertThat(sap.failed()).isZero();
        }
        assertThat(publisher.published()).extracting(e -> e.type().qualified()).containsExactly(
                "bo.marketingpermission.changed.v1", "sap.s4.beh.marketingcampaign.v1.marketingcampaign.completed.v1");
        assertThat(publisher.published().get(0).data().path("KEY").get(0).path("CONTACTID").asText()).isEqualTo("4711");
    }

    @Test
    void theBridgeOfTheseTestsListensOnLoopbackOnAFreePort() {
        assertThat(bridge.config().host()).isEqualTo("127.0.0.1");
        assertThat(bridge.baseUri().getHost()).isEqualTo("127.0.0.1");
        assertThat(bridge.httpPort()).isPositive().isNotEqualTo(BridgeConfig.DEFAULT_HTTP_PORT);
    }

    @Test
    void sendsSampleEventsAndReportsTheAcknowledgements() {
        try (MarketingEventSimulator sap = simulator().mqttClientId("sample-sender").connect()) {
            MarketingEventSimulator.Report report = sap.sendSampleEvents(20);

            assertThat(report.sent()).isEqualTo(20);
            assertThat(report.acknowledged()).isEqualTo(20);
        }
        assertThat(publisher.published()).hasSize(20).extracting(BusinessEvent::id).doesNotHaveDuplicates();
    }

    @Test
    void buildsPayloadsInTheShapesSapSends() throws Exception {
        UUID id = UUID.randomUUID();
        Instant time = Instant.parse("2024-01-01T00:00:00Z");
        ObjectMapper json = new ObjectMapper();

        var legacy = json.readTree(MarketingEventSimulator.legacyPayload("BO.Contact.Changed", id, time, json.createObjectNode()));
        var cloudEvent = json.readTree(MarketingEventSimulator.cloudEventPayload("a.b.c.v1", id, time, "/src", json.createObjectNode()));

        assertThat(legacy.path("eventType").asText()).isEqualTo("BO.Contact.Changed");
        assertThat(legacy.path("cloudEventsVersion").asText()).isEqualTo("0.1");
        assertThat(legacy.path("eventID").asText()).isEqualTo(id.toString());
        assertThat(legacy.path("eventTime").asText()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(cloudEvent.path("specversion").asText()).isEqualTo("1.0");
        assertThat(cloudEvent.path("id").asText()).isEqualTo(id.toString());
        assertThat(cloudEvent.path("source").asText()).isEqualTo("/src");
        assertThat(MarketingEventSimulator.legacyTopic("space", "BO.Contact.Changed")).isEqualTo("space/BO/Contact/Changed");
        assertThat(MarketingEventSimulator.cloudEventTopic("a.b.C.v1")).isEqualTo("ce/a/b/C/v1");
    }

    @Test
    void reportsRefusedCredentialsWithoutShowingTheSecret() {
        MarketingEventSimulator wrong = MarketingEventSimulator.builder(bridge.baseUri())
                .credentials("sap-marketing", Secret.of("a-wrong-secret-value")).build();

        assertThatThrownBy(wrong::connect)
                .isInstanceOf(MarketingEventSimulator.SimulatorException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("/oauth/token")
                .hasMessageNotContaining("a-wrong-secret-value");
    }

    @Test
    void checksItsSettings() {
        assertThatThrownBy(() -> MarketingEventSimulator.builder(URI.create("ftp://host"))).hasMessageContaining("ftp://host");
        assertThatThrownBy(() -> MarketingEventSimulator.builder(bridge.baseUri()).build()).hasMessageContaining("credentials");
        assertThatThrownBy(() -> simulator().build().publish("t", new byte[0])).hasMessageContaining("connect()");
    }
}
