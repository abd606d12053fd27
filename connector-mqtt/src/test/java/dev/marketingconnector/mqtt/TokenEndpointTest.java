package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenEndpointTest {

    private static final List<BridgeListener.TokenOutcome> OUTCOMES = new CopyOnWriteArrayList<>();
    private static TestBridge bridge;

    @BeforeAll
    static void start() {
        bridge = TestBridge.start(new RecordingEventPublisher(), b -> b.listener(new BridgeListener() {
            @Override
            public void tokenRequest(TokenOutcome outcome) {
                OUTCOMES.add(outcome);
            }
        }));
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    private static String form(String secret) {
        return "grant_type=client_credentials&client_id=" + TestBridge.CLIENT_ID + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    }

    @Test
    void issuesATokenForFormCredentials() throws Exception {
        HttpResponse<String> response = bridge.postForm("/oauth/token", form(TestBridge.CLIENT_SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestBridge.json(response.body());
        assertThat(body.path("token_type").asText()).isEqualTo("bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(body.path("access_token").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void issuesATokenForBasicCredentialsEncodedOrNot() throws Exception {
        HttpResponse<String> encoded = bridge.postForm("/oauth/token", "grant_type=client_credentials",
                "Authorization", basic(TestBridge.CLIENT_ID, TestBridge.CLIENT_SECRET));
        String plain = "Basic " + Base64.getEncoder().encodeToString(
                (TestBridge.CLIENT_ID + ":" + TestBridge.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> unencoded = bridge.postForm("/oauth/token", "grant_type=client_credentials", "Authorization", plain);

        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(unencoded.statusCode()).isEqualTo(200);
        assertThat(TestBridge.json(encoded.body()).path("access_token").asText()).isNotEmpty();
    }

    @Test
    void refusesAWrongSecretOrUnknownClientWith401InvalidClient() throws Exception {
        HttpResponse<String> wrongSecret = bridge.postForm("/oauth/token", form("wrong"));
        HttpResponse<String> unknownClient = bridge.postForm("/oauth/token", "grant_type=client_credentials",
                "Authorization", basic("someone-else", TestBridge.CLIENT_SECRET));
        HttpResponse<String> noCredentials = bridge.postForm("/oauth/token", "grant_type=client_credentials");

        for (HttpResponse<String> response : List.of(wrongSecret, unknownClient, noCredentials)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(TestBridge.json(response.body()).path("error").asText()).isEqualTo("invalid_client");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(response.body()).doesNotContain(TestBridge.CLIENT_SECRET);
        }
    }

    @Test
    void refusesOtherGrantTypesWith400() throws Exception {
        HttpResponse<String> response = bridge.postForm("/oauth/token",
                "grant_type=password&username=u&password=p&client_id=" + TestBridge.CLIENT_ID);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestBridge.json(response.body()).path("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void refusesMalformedRequestsWithInvalidRequest() throws Exception {
        HttpResponse<String> missingGrant = bridge.postForm("/oauth/token", "client_id=x&client_secret=y");
        HttpResponse<String> repeated = bridge.postForm("/oauth/token", form(TestBridge.CLIENT_SECRET) + "&grant_type=client_credentials");
        HttpResponse<String> both = bridge.postForm("/oauth/token", form(TestBridge.CLIENT_SECRET),
                "Authorization", basic(TestBridge.CLIENT_ID, TestBridge.CLIENT_SECRET));
        HttpResponse<String> json = bridge.http.send(HttpRequest.newBuilder(bridge.uri("/oauth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> response : List.of(missingGrant, repeated, both, json)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(TestBridge.json(response.body()).path("error").asText()).isEqualTo("invalid_request");
        }
        HttpResponse<String> get = bridge.get("/oauth/token");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void reportsEachOutcomeToTheListeners() throws Exception {
        OUTCOMES.clear();
        bridge.postForm("/oauth/token", form(TestBridge.CLIENT_SECRET));
        bridge.postForm("/oauth/token", form("nope"));
        bridge.postForm("/oauth/token", "grant_type=implicit");

        assertThat(OUTCOMES).containsExactly(BridgeListener.TokenOutcome.ISSUED, BridgeListener.TokenOutcome.INVALID_CLIENT,
                BridgeListener.TokenOutcome.UNSUPPORTED_GRANT_TYPE);
    }
}
