package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /status} lists at most {@code clientsShown} MQTT clients, the longest connected first, and counts the rest. */
class StatusClientListTest {

    private static final String SECRET = "status-client-list-secret";

    @Test
    void listsAtMostTheConfiguredClientsAndCountsTheRest() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<MarketingEventSimulator> tenants = new ArrayList<>();
        try (Operations operations = Operations.builder().jvmMetrics(false).clientsShown(2).build();
                MqttBridge bridge = new MqttBridge(operations.configure(BridgeConfig.builder()
                        .host("127.0.0.1").httpPort(0).ioThreads(1)
                        .oauthClient("sap-mkt", Secret.of(SECRET))
                        .publisher(operations.track(new RecordingEventPublisher()))).build()).start()) {
            operations.started(bridge);
            for (int i = 0; i < 5; i++) {
                tenants.add(MarketingEventSimulator.builder(bridge.baseUri()).credentials("sap-mkt", Secret.of(SECRET))
                        .mqttClientId("tenant-" + i).build().connect());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> bridge.connectedClientCount() == 5);

            JsonNode json = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(bridge.baseUri().resolve("/status")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String html = http.send(HttpRequest.newBuilder(bridge.baseUri().resolve("/status?format=html")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(json.path("clients")).hasSize(2);
            assertThat(json.path("clients").get(0).path("clientId").asText()).isEqualTo("tenant-0");
            assertThat(json.path("clientsNotShown").asInt()).isEqualTo(3);
            assertThat(json.path("sap").path("connected").asBoolean()).isTrue();
            assertThat(html).contains("tenant-0", "tenant-1", "and 3 more not listed").doesNotContain("tenant-4");
        } finally {
            tenants.forEach(MarketingEventSimulator::close);
        }
    }
}
