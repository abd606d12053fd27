package dev.marketingconnector.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.events.EventPublisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/** A bridge on a free loopback port with test credentials and quick timeouts, plus an HTTP client for it. */
final class TestBridge implements AutoCloseable {

    static final String CLIENT_ID = "sap-marketing";
    static final String CLIENT_SECRET = "Cl13nt-S3cret+with/odd=chars";
    static final String SIGNING_KEY = "a-test-signing-key-of-at-least-32-bytes";
    static final String TOPIC_SPACE = "sap/mkt/tenant1";

    private static final ObjectMapper JSON = new ObjectMapper();

    final MqttBridge bridge;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestBridge(BridgeConfig config) {
        this.bridge = new MqttBridge(config).start();
    }

    static BridgeConfig.Builder config(EventPublisher publisher) {
        return BridgeConfig.builder()
                .host("127.0.0.1")
                .httpPort(0)
                .oauthClient(CLIENT_ID, Secret.of(CLIENT_SECRET))
                .tokenSigningKey(Secret.of(SIGNING_KEY))
                .publisher(publisher)
                .topicSpace(TOPIC_SPACE)
                .ioThreads(2)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .shutdownDeadline(Duration.ofSeconds(2));
    }

    static TestBridge start(EventPublisher publisher) {
        return start(publisher, b -> { });
    }

    static TestBridge start(EventPublisher publisher, Consumer<BridgeConfig.Builder> customizer) {
        BridgeConfig.Builder builder = config(publisher);
        customizer.accept(builder);
        return new TestBridge(builder.build());
    }

    int port() {
        return bridge.httpPort();
    }

    URI uri(String path) {
        return bridge.baseUri().resolve(path);
    }

    /** A fresh token from the bridge's own endpoint. */
    String token() throws IOException, InterruptedException {
        HttpResponse<String> response = postForm("/oauth/token",
                "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret=" + java.net.URLEncoder.encode(CLIENT_SECRET,
                        java.nio.charset.StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new AssertionError("token request failed: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    HttpResponse<String> postForm(String path, String form, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    @Override
    public void close() {
        bridge.close();
    }
}
