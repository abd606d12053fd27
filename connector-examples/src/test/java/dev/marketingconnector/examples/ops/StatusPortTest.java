package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code STATUS_PORT}: unset, a port of its own, or off; {@code /metrics} stays on the HTTP port in every case. */
class StatusPortTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private MqttBridge start(Operations operations) {
        MqttBridge bridge = new MqttBridge(operations.configure(BridgeConfig.builder()
                .host("127.0.0.1").httpPort(0).ioThreads(1)
                .oauthClient("sap-mkt", Secret.of("status-port-test-secret"))
                .publisher(operations.track(new RecordingEventPublisher()))).build()).start();
        operations.started(bridge);
        return bridge;
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bySettingStatusIsOnTheHttpPort() throws Exception {
        try (Operations operations = Operations.builder().jvmMetrics(false).build(); MqttBridge bridge = start(operations)) {
            assertThat(get(bridge.baseUri().resolve("/status")).statusCode()).isEqualTo(200);
            assertThat(operations.statusPort()).isEmpty();
        }
    }

    @Test
    void aSeparatePortServesStatusAndNothingElseAndTheHttpPortNoStatus() throws Exception {
        try (Operations operations = Operations.builder().jvmMetrics(false).statusEndpoint(StatusEndpoint.separatePort(0)).build();
                MqttBridge bridge = start(operations)) {
            int port = operations.statusPort().orElseThrow();
            URI status = URI.create("http://127.0.0.1:" + port + "/status");

            HttpResponse<String> json = get(status);
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(new ObjectMapper().readTree(json.body()).path("ready").asBoolean()).isTrue();
            HttpResponse<String> html = http.send(HttpRequest.newBuilder(status).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(html.body()).startsWith("<!DOCTYPE html>");
            assertThat(get(status.resolve("/metrics")).statusCode()).isEqualTo(404);
            assertThat(get(status.resolve("/oauth/token")).statusCode()).isEqualTo(404);

            assertThat(get(bridge.baseUri().resolve("/status")).statusCode()).isEqualTo(404);
            assertThat(get(bridge.baseUri().resolve("/metrics")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void offServesNoStatusAnywhere() throws Exception {
        try (Operations operations = Operations.builder().jvmMetrics(false).statusEndpoint(StatusEndpoint.OFF).build();
                MqttBridge bridge = start(operations)) {
            assertThat(operations.statusPort()).isEmpty();
            assertThat(get(bridge.baseUri().resolve("/status")).statusCode()).isEqualTo(404);
            assertThat(get(bridge.baseUri().resolve("/metrics")).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theSeparateServerStopsWithOperations() throws Exception {
        int port;
        try (Operations operations = Operations.builder().jvmMetrics(false).statusEndpoint(StatusEndpoint.separatePort(0)).build();
                MqttBridge bridge = start(operations)) {
            port = operations.statusPort().orElseThrow();
        }
        try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
