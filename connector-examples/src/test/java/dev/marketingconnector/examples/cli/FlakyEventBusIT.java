package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar's {@code bridge} against an event bus that answers 30 % of its requests with 503
 * (after taking the event in), then fails every request for a while: nothing is lost, a redelivered
 * event keeps its id and data, and every repeated attempt is counted in
 * {@code connector_events_retried_total} and on the status page. Behaviour only, no timings.
 */
class FlakyEventBusIT {

    private static final Path JAR = Path.of("target", "marketing-connector.jar");
    private static final String CLIENT_SECRET = "flaky-bus-client-secret";
    private static final String TYPE = "BO.MarketingPermission.Changed";

    @TempDir
    Path temp;

    @Test
    void losesNothingKeepsIdsAndCountsEveryRetry() throws Exception {
        assertThat(JAR).as("the runnable jar (built by mvn package)").exists();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EventServiceStub kyma = new EventServiceStub(204).faultRatio(0.3)) {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString(), "bridge")
                    .redirectOutput(temp.resolve("out.txt").toFile()).redirectError(temp.resolve("err.txt").toFile());
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            builder.environment().putAll(Map.of("SYSTEM_URL", "https://my300000.s4hana.ondemand.com", "BASIC_USER", "COMM_USER",
                    "BASIC_PASSWORD", "pw-123456", "OAUTH_CLIENT_ID", "sap-mkt", "OAUTH_CLIENT_SECRET", CLIENT_SECRET,
                    "APPLICATION_NAME", "mkt-flaky", "CLUSTER_DOMAIN", "kyma.example.com", "EVENTS_URL", kyma.url("/publish").toString(),
                    "HTTP_PORT", String.valueOf(port)));
            Process bridge = builder.start();
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + port);
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        http.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode() == 200);
                try (MarketingEventSimulator tenant = MarketingEventSimulator.builder(base).credentials("sap-mkt", Secret.of(CLIENT_SECRET))
                        .timeout(Duration.ofSeconds(60)).build().connect()) {
                    Map<String, String> sent = new HashMap<>();
                    List<CompletableFuture<Void>> acks = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        acks.add(send(tenant, sent, i));
                    }
                    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

                    // An outage: nothing gets through, nothing is acknowledged, until it ends.
                    kyma.faultRatio(0).outage(true);
                    List<CompletableFuture<Void>> heldBack = new ArrayList<>();
                    for (int i = 300; i < 320; i++) {
                        heldBack.add(send(tenant, sent, i));
                    }
                    int failedBefore = kyma.unavailableAnswers();
                    await().atMost(Duration.ofSeconds(30)).until(() -> kyma.unavailableAnswers() >= failedBefore + 20);
                    assertThat(heldBack).noneMatch(CompletableFuture::isDone);
                    kyma.outage(false);
                    CompletableFuture.allOf(heldBack.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

                    List<EventServiceStub.Request> requests = kyma.requests();
                    Map<String, List<EventServiceStub.Request>> byId = requests.stream()
                            .collect(Collectors.groupingBy(r -> r.header("ce-id")));
                    assertThat(byId.keySet()).as("every event, under its own id").isEqualTo(sent.keySet());
                    Set<String> accepted = requests.stream().filter(EventServiceStub.Request::accepted).map(r -> r.header("ce-id"))
                            .collect(Collectors.toSet());
                    assertThat(accepted).isEqualTo(sent.keySet());
                    byId.forEach((id, copies) -> assertThat(copies).allSatisfy(copy -> assertThat(copy.bodyText()).isEqualTo(sent.get(id))));
                    assertThat(requests.size()).as("redeliveries happened").isGreaterThan(sent.size());

                    String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                            .body();
                    assertThat(value(metrics, "connector_events_forwarded_total")).isEqualTo(320);
                    assertThat(value(metrics, "connector_events_retried_total")).as("one retry per 503").isEqualTo(kyma.unavailableAnswers());
                    JsonNode status = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(base.resolve("/status")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    assertThat(status.path("events").path("retried").asLong()).isEqualTo(kyma.unavailableAnswers());
                }
            } finally {
                bridge.destroy();
                assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).as("bridge stopped on SIGTERM").isTrue();
            }
        }
    }

    private static CompletableFuture<Void> send(MarketingEventSimulator tenant, Map<String, String> sent, int n) {
        UUID id = UUID.randomUUID();
        String data = "{\"KEY\":[{\"PERMISSIONID\":\"P-" + n + "\"}],\"amount\":" + n + ".10}";
        sent.put(id.toString(), data);
        byte[] payload = ("{\"eventType\":\"" + TYPE + "\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + Instant.now() + "\",\"data\":"
                + data + "}").getBytes(StandardCharsets.UTF_8);
        return tenant.publish(MarketingEventSimulator.legacyTopic(MarketingEventSimulator.DEFAULT_TOPIC_SPACE, TYPE), payload);
    }

    private static long value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E+]+)$").matcher(metrics);
        assertThat(m.find()).as(name + " in\n" + metrics).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

}
