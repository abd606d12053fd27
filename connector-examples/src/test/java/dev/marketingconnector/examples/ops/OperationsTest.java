package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import dev.marketingconnector.core.testing.InMemoryApplicationRegistry;
import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.core.testing.StaticServiceDiscovery;
import dev.marketingconnector.mqtt.BridgeConfig;
import dev.marketingconnector.mqtt.MqttBridge;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * One scenario through a real bridge, with the shipped JSON log configuration active: a tenant (the
 * HiveMQ client, over WebSocket, with a hostile client id) sends six events of which the publisher
 * fails two transiently and one permanently, plus one payload that is not JSON; one upgrade comes
 * without a token, one token request with a wrong secret; a registration run with one unreachable
 * service. Then {@code /metrics}, {@code /status} and the log are checked for exact values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsTest {

    static final String CLIENT_ID = "sap-mkt";
    static final String CLIENT_SECRET = "Op5-Cl13nt-S3cret-value";
    static final String SIGNING_KEY = "an-operations-test-signing-key-of-32-bytes+";
    static final String HOSTILE_CLIENT = "<script>alert('x')</script>";
    static final int EVENTS = 6;
    static final String UNREACHABLE = "API_MKT_COUPON_SRV";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Operations operations;
    private MqttBridge bridge;
    private MarketingEventSimulator tenant;
    private String token;
    private ReconcileResult registration;

    @BeforeAll
    void runTheScenario() throws Exception {
        LoggerFactory.getILoggerFactory(); // SLF4J's start-up notes go to the real stderr, not into the captured log
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        configureLogback("/logback-json.xml");
        try {
            RecordingEventPublisher publisher = new RecordingEventPublisher().failNextTransiently(2).failNextPermanently(1);
            operations = Operations.builder().build();
            operations.registrationRunsHere();
            EventPublisher tracked = operations.track(publisher);
            bridge = new MqttBridge(operations.configure(BridgeConfig.builder()
                    .host("127.0.0.1").httpPort(0)
                    .oauthClient(CLIENT_ID, Secret.of(CLIENT_SECRET))
                    .tokenSigningKey(Secret.of(SIGNING_KEY))
                    .topicSpace(MarketingEventSimulator.DEFAULT_TOPIC_SPACE)
                    .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                    .ioThreads(2)
                    .publisher(tracked)).build()).start();
            operations.started(bridge);

            token = fetchToken(CLIENT_SECRET).path("access_token").asText();
            assertThat(fetchToken("wrong-" + CLIENT_SECRET).path("error").asText()).isEqualTo("invalid_client");
            assertThatThrownBy(() -> http.newWebSocketBuilder().subprotocols("mqtt")
                    .buildAsync(bridge.webSocketUri(), new WebSocket.Listener() { }).join())
                    .isInstanceOf(CompletionException.class);

            tenant = MarketingEventSimulator.builder(bridge.baseUri()).credentials(CLIENT_ID, Secret.of(CLIENT_SECRET))
                    .mqttClientId(HOSTILE_CLIENT).build().connect();
            assertThat(tenant.sendSampleEvents(EVENTS).acknowledged()).isEqualTo(EVENTS);
            tenant.publish(MarketingEventSimulator.legacyTopic(MarketingEventSimulator.DEFAULT_TOPIC_SPACE, "BO.Contact.Changed"),
                    "not json".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);

            StaticServiceDiscovery discovery = new StaticServiceDiscovery().status(UNREACHABLE, ServiceStatus.UNREACHABLE,
                    "HTTP 503 after 3 attempts");
            ServiceCatalog catalog = ServiceCatalog.marketing();
            DiscoveryReport report = discovery.discover(catalog, s -> { });
            registration = new RegistrationReconciler(new InMemoryApplicationRegistry(), catalog.product())
                    .reconcile(report.toApplicationRegistration("mkt-ops", Optional.of(EventCatalogRegistration.of(catalog))), false);
            operations.registrationFinished(report, registration);
        } finally {
            System.setErr(originalErr);
        }
    }

    @AfterAll
    void stop() {
        if (tenant != null) {
            tenant.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (operations != null) {
            operations.close();
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void configureLogback(String resource) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(OperationsTest.class.getResource(resource));
    }

    private JsonNode fetchToken(String secret) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(bridge.baseUri().resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret="
                        + URLEncoder.encode(secret, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(URI uri, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = get(bridge.baseUri().resolve("/metrics"), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        return response.body();
    }

    private JsonNode statusJson() throws Exception {
        HttpResponse<String> response = get(bridge.baseUri().resolve("/status"), null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    void metricsCountEveryOutcomeExactly() throws Exception {
        String metrics = scrape();
        PrometheusText p = new PrometheusText(metrics);

        assertThat(p.value("connector_mqtt_connects_total", "outcome", "accepted", "reason", "none")).isEqualTo(1);
        assertThat(p.value("connector_mqtt_connects_total", "outcome", "refused", "reason", "no_token")).isEqualTo(1);
        for (String reason : List.of("bad_token", "expired_token", "protocol", "identifier_rejected", "shutting_down")) {
            assertThat(p.value("connector_mqtt_connects_total", "outcome", "refused", "reason", reason)).as(reason).isZero();
        }
        assertThat(p.value("connector_mqtt_connections")).isEqualTo(1);
        assertThat(p.value("connector_events_received_total")).isEqualTo(EVENTS + 1);
        assertThat(p.value("connector_events_forwarded_total")).isEqualTo(EVENTS - 1);
        assertThat(p.value("connector_events_retried_total")).isEqualTo(2);
        assertThat(p.value("connector_events_dead_lettered_total", "reason", "rejected")).isEqualTo(1);
        assertThat(p.value("connector_events_dead_lettered_total", "reason", "not_json")).isEqualTo(1);
        assertThat(p.value("connector_events_dead_lettered_total", "reason", "payload_too_large")).isZero();
        assertThat(p.value("connector_events_forward_latency_seconds_count")).isEqualTo(EVENTS - 1);
        assertThat(p.names()).contains("connector_events_forward_latency_seconds_bucket", "connector_events_forward_latency_seconds_sum");
        assertThat(p.value("connector_events_in_flight")).isZero();
        assertThat(p.value("connector_publisher_circuit_open")).isZero();
        assertThat(p.value("connector_token_requests_total", "outcome", "issued")).isEqualTo(2);
        assertThat(p.value("connector_token_requests_total", "outcome", "invalid_client")).isEqualTo(1);
        assertThat(p.value("connector_token_requests_total", "outcome", "invalid_request")).isZero();

        int created = registration.completed().get(ChangeAction.CREATE);
        assertThat(created).isPositive();
        assertThat(p.value("connector_registration_runs_total", "outcome", "failed_items")).isEqualTo(1);
        assertThat(p.value("connector_registration_runs_total", "outcome", "succeeded")).isZero();
        assertThat(p.value("connector_registration_items_total", "outcome", "created")).isEqualTo(created);
        assertThat(p.value("connector_registration_items_total", "outcome", "failed")).isEqualTo(1);
        assertThat(p.value("connector_registration_items_total", "outcome", "unchanged")).isZero();
        assertThat(p.value("connector_registration_last_success_seconds")).isZero();

        assertThat(p.names()).contains("jvm_memory_used_bytes", "jvm_gc_pause_seconds_count", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "process_uptime_seconds", "process_files_open_files");
        // No unbounded tag values: neither the client id nor a topic is a label.
        assertThat(metrics).doesNotContain("alert", MarketingEventSimulator.DEFAULT_TOPIC_SPACE);
    }

    @Test
    @Order(Integer.MAX_VALUE) // connects a second client, which the exact counts elsewhere do not expect
    void connectionGaugeFollowsTheClientsOnAndOff() throws Exception {
        try (MarketingEventSimulator second = MarketingEventSimulator.builder(bridge.baseUri())
                .credentials(CLIENT_ID, Secret.of(CLIENT_SECRET)).mqttClientId("second-tenant").build().connect()) {
            assertThat(new PrometheusText(scrape()).value("connector_mqtt_connections")).isEqualTo(2);
            assertThat(statusJson().path("clients")).hasSize(2);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(new PrometheusText(scrape()).value("connector_mqtt_connections")).isEqualTo(1));
    }

    @Test
    void statusShowsTheClientTheDeadLettersThePublisherAndTheRegistration() throws Exception {
        JsonNode status = statusJson();

        assertThat(status.path("version").asText()).isNotBlank();
        assertThat(status.path("ready").asBoolean()).isTrue();
        assertThat(status.path("sap").path("connected").asBoolean()).isTrue();
        assertThat(status.path("sap").path("lastEventAt").isTextual()).isTrue();
        assertThat(status.path("sap").path("refusedConnects").path("no_token").asLong()).isEqualTo(1);
        assertThat(status.path("sap").path("lastRefusal").path("reason").asText()).isEqualTo("no_token");
        assertThat(status.path("sap").path("lastRefusal").path("hint").asText()).contains("bearer token");
        assertThat(status.path("sap").path("tokenRequests").path("invalid_client").asLong()).isEqualTo(1);

        JsonNode client = status.path("clients").get(0);
        assertThat(client.path("clientId").asText()).isEqualTo(HOSTILE_CLIENT);
        assertThat(client.path("remoteAddress").asText()).startsWith("127.0.0.1:");
        assertThat(client.path("events").asLong()).isEqualTo(EVENTS + 1);
        assertThat(client.path("failures").asLong()).isEqualTo(2);
        assertThat(client.path("connectedSince").isTextual()).isTrue();

        assertThat(status.path("events").path("received").asLong()).isEqualTo(EVENTS + 1);
        assertThat(status.path("events").path("forwarded").asLong()).isEqualTo(EVENTS - 1);
        assertThat(status.path("events").path("retried").asLong()).isEqualTo(2);
        assertThat(status.path("events").path("deadLettered").asLong()).isEqualTo(2);

        assertThat(status.path("publisher").path("circuitState").asText()).isEqualTo("closed");
        assertThat(status.path("publisher").path("lastError").path("message").asText()).isEqualTo("injected permanent failure");
        assertThat(status.path("publisher").path("lastError").path("permanent").asBoolean()).isTrue();

        JsonNode deadLetters = status.path("deadLetters");
        assertThat(deadLetters).hasSize(2);
        assertThat(deadLetters.get(0).path("reason").asText()).as("newest first").isEqualTo("not_json");
        assertThat(deadLetters.get(1).path("reason").asText()).isEqualTo("rejected");
        assertThat(deadLetters.get(1).path("detail").asText()).contains("injected permanent failure");
        assertThat(deadLetters.get(1).path("clientId").asText()).isEqualTo(HOSTILE_CLIENT);
        assertThat(deadLetters.get(0).path("topic").asText()).endsWith("/BO/Contact/Changed");

        JsonNode run = status.path("registration").path("lastRun");
        assertThat(status.path("registration").path("runsHere").asBoolean()).isTrue();
        assertThat(run.path("outcome").asText()).isEqualTo("failed_items");
        assertThat(run.path("counts").path("created").asInt()).isEqualTo(registration.completed().get(ChangeAction.CREATE));
        assertThat(run.path("counts").path("failed").asInt()).isEqualTo(1);
        assertThat(run.path("failures").get(0).path("item").asText()).startsWith(UNREACHABLE);
        assertThat(run.path("failures").get(0).path("reason").asText()).contains("unreachable", "HTTP 503 after 3 attempts");
    }

    @Test
    void theHtmlViewShowsTheSameDataEscapedAndSelfContained() throws Exception {
        HttpResponse<String> response = get(bridge.baseUri().resolve("/status"),
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String html = response.body();
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<meta http-equiv=\"refresh\" content=\"10\">")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .doesNotContain("<script", "src=", "@import", "url(")
                .contains("connected", "no_token", "not_json", "rejected", "injected permanent failure", "failed_items", UNREACHABLE,
                        "HTTP 503 after 3 attempts");
        assertThat(get(bridge.baseUri().resolve("/status?format=html"), null).body()).startsWith("<!DOCTYPE html>");
        assertThat(get(bridge.baseUri().resolve("/status"), "application/json, text/html;q=0.5").body()).startsWith("{");
    }

    @Test
    void noSecretOrTokenInMetricsStatusOrLogs() throws Exception {
        assertThat(token).hasSizeGreaterThan(40);
        String everything = scrape() + statusJson() + get(bridge.baseUri().resolve("/status?format=html"), null).body()
                + log.toString(StandardCharsets.UTF_8);

        assertThat(everything).doesNotContain(CLIENT_SECRET, SIGNING_KEY, token, token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithTheMdcAndOneLinePerFailure() throws Exception {
        List<JsonNode> lines = log.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).map(l -> {
            try {
                JsonNode node = JSON.readTree(l);
                assertThat(node.isObject()).as(l).isTrue();
                return node;
            } catch (Exception e) {
                throw new AssertionError("not a JSON object: " + l, e);
            }
        }).toList();

        List<JsonNode> deadLetters = lines.stream().filter(l -> l.path("formattedMessage").asText().startsWith("Dead-lettered")).toList();
        assertThat(deadLetters).hasSize(2).allSatisfy(l -> {
            assertThat(l.path("level").asText()).isEqualTo("WARN");
            assertThat(l.path("mdc").path("clientId").asText()).isEqualTo(HOSTILE_CLIENT);
        });
        assertThat(deadLetters).filteredOn(l -> l.path("formattedMessage").asText().contains("REJECTED")).singleElement()
                .satisfies(l -> assertThat(l.path("mdc").path("eventId").asText()).matches("[0-9a-f-]{36}"));
        assertThat(deadLetters).filteredOn(l -> l.path("formattedMessage").asText().contains("NOT_JSON")).singleElement()
                .satisfies(l -> assertThat(l.path("mdc").has("eventId")).isFalse());

        assertThat(lines).filteredOn(l -> l.path("formattedMessage").asText().startsWith("Refused")).singleElement()
                .satisfies(l -> assertThat(l.path("formattedMessage").asText()).contains("(no_token)"));
    }

    /** Prometheus text format, read as a test needs it: value by name and exact label set. */
    static final class PrometheusText {

        private final List<String> samples;

        PrometheusText(String text) {
            this.samples = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        }

        List<String> names() {
            return samples.stream().map(l -> l.split("[{ ]", 2)[0]).distinct().toList();
        }

        double value(String name, String... labels) {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < labels.length; i += 2) {
                expected.append(expected.length() == 0 ? "" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
            }
            String prefix = labels.length == 0 ? name + " " : name + "{" + expected + "} ";
            List<String> matches = samples.stream().filter(l -> l.startsWith(prefix)).toList();
            assertThat(matches).as("one sample %s in%n%s", prefix, String.join("\n", samples)).hasSize(1);
            String line = matches.get(0);
            return Double.parseDouble(line.substring(prefix.length()).split(" ")[0]);
        }
    }
}
