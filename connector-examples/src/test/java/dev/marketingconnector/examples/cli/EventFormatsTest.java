package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runnable's event path as it wires it (the settings, the publisher for the chosen format, the
 * bridge on the same event loops), driven by a real MQTT client: what the tenant sends in {@code data}
 * reaches the event service character for character, for both payload shapes and both formats.
 */
class EventFormatsTest {

    private static final String CLIENT_SECRET = "formats-client-secret-42";
    /** Numbers a double cannot hold, and spacing: none of it may change on the way. */
    static final String EXACT_DATA = "{\"KEY\":[{\"PERMISSIONID\":\"4711\"}], \"big\": 1e400, \"tiny\": -1e-400,"
            + " \"long\": 0.1000000000000000055511151231257827, \"wide\": 12345678901234567890.123456789, \"scaled\": 1.50}";

    @ParameterizedTest
    @ValueSource(strings = {"cloudevents", "kyma-v1"})
    void dataReachesTheEventServiceExactlyAsTheTenantSentIt(String format) throws Exception {
        boolean cloudEvents = format.equals("cloudevents");
        try (EventServiceStub kyma = new EventServiceStub(cloudEvents ? 204 : 200)) {
            ConnectorSetup setup = ConnectorSetup.from(Settings.of(Map.of(
                    "SYSTEM_URL", "https://my300000.s4hana.ondemand.com", "BASIC_USER", "COMM_USER", "BASIC_PASSWORD", "pw-123456",
                    "OAUTH_CLIENT_ID", "sap-mkt", "OAUTH_CLIENT_SECRET", CLIENT_SECRET, "APPLICATION_NAME", "mkt-formats",
                    "CLUSTER_DOMAIN", "kyma.example.com", "EVENTS_FORMAT", format,
                    "EVENTS_URL", kyma.url(cloudEvents ? "/publish" : "/mkt-formats/v1/events").toString())));
            EventLoopGroup loops = BridgeCommand.RunningBridge.eventLoops();
            try (EventPublisher publisher = setup.publisher(loops);
                    MqttBridge bridge = new MqttBridge(setup.bridge(publisher, loops).host("127.0.0.1").httpPort(0).build()).start();
                    MarketingEventSimulator tenant = MarketingEventSimulator.builder(bridge.baseUri())
                            .credentials("sap-mkt", Secret.of(CLIENT_SECRET)).build().connect()) {
                String legacy = "{\"eventType\":\"BO.MarketingPermission.Changed\",\"cloudEventsVersion\":\"0.1\","
                        + "\"eventID\":\"6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c\",\"eventTime\":\"2024-05-01T10:15:30Z\",\"data\":" + EXACT_DATA + "}";
                String cloudEvent = "{\"specversion\":\"1.0\",\"type\":\"sap.s4.beh.marketingpermission.v1.MarketingPermission.Changed.v1\","
                        + "\"source\":\"/default/sap.s4.beh/300\",\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\","
                        + "\"time\":\"2024-05-01T10:15:31Z\",\"data\" : " + EXACT_DATA + " }";
                tenant.publish(MarketingEventSimulator.legacyTopic(MarketingEventSimulator.DEFAULT_TOPIC_SPACE,
                        "BO.MarketingPermission.Changed"), legacy.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                tenant.publish(MarketingEventSimulator.cloudEventTopic("sap.s4.beh.marketingpermission.v1.MarketingPermission.Changed.v1"),
                        cloudEvent.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);

                List<EventServiceStub.Request> received = kyma.awaitAccepted(2, Duration.ofSeconds(10));
                assertThat(received).hasSize(2).allSatisfy(request -> {
                    if (cloudEvents) {
                        assertThat(request.bodyText()).isEqualTo(EXACT_DATA);
                        assertThat(request.header("content-type")).isEqualTo("application/json");
                    } else {
                        assertThat(request.bodyText()).endsWith(",\"data\":" + EXACT_DATA + "}").contains("\"source-id\":\"mkt-formats\"");
                    }
                });
                assertThat(received).extracting(r -> cloudEvents ? r.header("ce-id") : r.bodyText().replaceAll(".*\"event-id\":\"([^\"]+)\".*", "$1"))
                        .containsExactly("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c", "0f8fad5b-d9cb-469f-a165-70867728950e");
            } finally {
                loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }
}
