package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.events.CircuitState;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

    @Test
    void answersHealthAndReadiness() throws Exception {
        ControllablePublisher publisher = new ControllablePublisher();
        try (TestBridge bridge = TestBridge.start(publisher)) {
            assertThat(bridge.get("/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = bridge.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(bridge.bridge.isReady()).isTrue();

            publisher.circuit(CircuitState.OPEN);
            HttpResponse<String> open = bridge.get("/readyz");
            assertThat(open.statusCode()).isEqualTo(503);
            assertThat(open.body()).contains("circuit is open");
            assertThat(bridge.bridge.isReady()).isFalse();

            publisher.circuit(CircuitState.HALF_OPEN);
            assertThat(bridge.get("/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void servesTheConfiguredEventCatalog() throws Exception {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        try (TestBridge bridge = TestBridge.start(new ControllablePublisher(), b -> b.asyncApi(catalog.eventCatalog()))) {
            HttpResponse<String> response = bridge.get("/asyncapi.json");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(new ObjectMapper().readTree(response.body())).isEqualTo(catalog.eventCatalog());
        }
    }

    @Test
    void answers404ForUnknownPathsAndAMissingCatalog() throws Exception {
        try (TestBridge bridge = TestBridge.start(new ControllablePublisher())) {
            assertThat(bridge.get("/asyncapi.json").statusCode()).isEqualTo(404);
            assertThat(bridge.get("/nothing/here").statusCode()).isEqualTo(404);
            assertThat(bridge.get("/mqtt").statusCode()).isEqualTo(426);
            HttpResponse<String> post = bridge.http.send(HttpRequest.newBuilder(bridge.uri("/healthz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void servesExtraRoutesAndSurvivesOneThatThrows() throws Exception {
        try (TestBridge bridge = TestBridge.start(new ControllablePublisher(), b -> b
                .route("/metrics", request -> HttpRoute.Response.text(200, "up 1 " + request.query() + " " + request.header("X-Probe")))
                .route("/broken", request -> {
                    throw new IllegalStateException("boom");
                }))) {
            HttpResponse<String> metrics = bridge.http.send(HttpRequest.newBuilder(bridge.uri("/metrics?a=b"))
                    .header("X-Probe", "yes").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).isEqualTo("up 1 a=b yes");
            assertThat(bridge.get("/broken").statusCode()).isEqualTo(500);
            assertThat(bridge.get("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void refusesOversizedRequestBodies() throws Exception {
        try (TestBridge bridge = TestBridge.start(new ControllablePublisher(), b -> b.maxHttpRequestBytes(2048))) {
            HttpResponse<String> response = bridge.postForm("/oauth/token", "grant_type=client_credentials&pad=" + "x".repeat(10_000));

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(bridge.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
