package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the runnable jar as a separate process, the way an operator runs it, against a mock
 * Marketing tenant and a mock Kyma started here.
 */
class CliProcessIT {

    private static final Path JAR = Path.of("target", "marketing-connector.jar");
    private static final String APP = "mkt-it";
    private static final String CLIENT_SECRET = "it-client-secret-value";

    @TempDir
    Path temp;

    private MockMarketingSystem marketing;
    private MockKyma kyma;

    @BeforeEach
    void startMocks() {
        assertThat(JAR).as("the runnable jar (built by mvn package)").exists();
        marketing = new MockMarketingSystem();
        kyma = new MockKyma();
    }

    @AfterEach
    void stopMocks() {
        marketing.close();
        kyma.close();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", marketing.url().toString());
        env.put("BASIC_USER", MockMarketingSystem.DEFAULT_USER);
        env.put("BASIC_PASSWORD", MockMarketingSystem.DEFAULT_PASSWORD);
        env.put("OAUTH_CLIENT_ID", "sap-mkt");
        env.put("OAUTH_CLIENT_SECRET", CLIENT_SECRET);
        env.put("APPLICATION_NAME", APP);
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        env.put("REGISTRY_URL", kyma.registryUrl(APP).toString());
        env.put("EVENTS_URL", kyma.publishUrl().toString());
        return env;
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        return start(env, temp.resolve("err-" + System.nanoTime() + ".txt"), args);
    }

    private Process start(Map<String, String> env, Path stderr, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(javaBinary(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(temp.resolve("out-" + System.nanoTime() + ".txt").toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = temp.resolve("out.txt");
        Path err = temp.resolve("err.txt");
        List<String> command = new java.util.ArrayList<>(List.of(javaBinary(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("process finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void demoRunsWithoutAnySettingsAndExitsZero() throws Exception {
        Result result = run(Map.of());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("26 active, 3 inactive", "created 27", "Kyma received 7 of 7 events", "bo.marketingpermission.changed");
    }

    @Test
    void registerCreatesThenFindsNothingToChange() throws Exception {
        Result first = run(environment(), "register");
        Result second = run(environment(), "register");

        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("[29/29]", "SERVICE", "ACTION", "26 active, 3 inactive", "created 27");
        assertThat(kyma.services(APP)).hasSize(27);
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("created 0, updated 0, deleted 0, unchanged 27");
        assertThat(first.out() + first.err() + second.out() + second.err())
                .doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD, CLIENT_SECRET);
    }

    @Test
    void dryRunWritesNothing() throws Exception {
        Result result = run(environment(), "register", "--dry-run");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("create (planned)", "planned: created 27");
        assertThat(kyma.services(APP)).isEmpty();
    }

    @Test
    void badConfigurationListsEveryProblemAndExitsTwo() throws Exception {
        Map<String, String> env = environment();
        env.remove("BASIC_USER");
        env.put("APPLICATION_NAME", "Not_Valid");
        env.put("EVENTS_FORMAT", "xml");
        env.put("HTTP_PORT", "http");

        Result result = run(env, "register");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).contains("BASIC_USER: missing", "APPLICATION_NAME", "EVENTS_FORMAT", "HTTP_PORT")
                .doesNotContain(MockMarketingSystem.DEFAULT_PASSWORD, CLIENT_SECRET);
    }

    @Test
    void aWrongPasswordFailsOnceWithExitOne() throws Exception {
        Map<String, String> env = environment();
        env.put("BASIC_PASSWORD", "wrong-password-123");

        Result result = run(env, "register");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains(MockMarketingSystem.DEFAULT_USER).doesNotContain("wrong-password-123")
                .contains("1 logon attempted; nothing registered.");
        assertThat(marketing.requestCount()).as("requests with the wrong password: one failed logon").isEqualTo(1);
        assertThat(kyma.services(APP)).isEmpty();
    }

    @Test
    void someFailedItemsGiveExitOne() throws Exception {
        marketing.failNext("API_MKT_COUPON_SRV", 503, 100);

        Result result = run(environment(), "register");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("API_MKT_COUPON_SRV", "unreachable");
        assertThat(kyma.services(APP)).hasSize(26);
    }

    @Test
    void configFileSuppliesSettingsAndFlagsWin() throws Exception {
        Map<String, String> env = environment();
        Path file = temp.resolve("connector.properties");
        StringBuilder properties = new StringBuilder();
        env.forEach((k, v) -> properties.append(k).append('=').append(v.replace("\\", "\\\\").replace(":", "\\:")).append('\n'));
        Files.writeString(file, properties.toString());

        Result result = run(Map.of(), "register", "--config", file.toString(), "--application", "mkt-flag",
                "--registry-url", kyma.registryUrl("mkt-flag").toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(kyma.services("mkt-flag")).hasSize(27);
        assertThat(kyma.services(APP)).isEmpty();
    }

    @Test
    void bridgeForwardsEventsUntilStopped() throws Exception {
        int port = freePort();
        Map<String, String> env = environment();
        env.put("HTTP_PORT", String.valueOf(port));
        Process bridge = start(env, "bridge");
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (var socket = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                }
            });
            try (MarketingEventSimulator tenant = MarketingEventSimulator.builder(base)
                    .credentials("sap-mkt", Secret.of(CLIENT_SECRET)).build().connect()) {
                assertThat(tenant.sendSampleEvents(5).acknowledged()).isEqualTo(5);
            }
            assertThat(kyma.awaitEvents(5, Duration.ofSeconds(30))).extracting(MockKyma.ReceivedEvent::source).containsOnly("mktit");
        } finally {
            bridge.destroy();
            assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).as("bridge stopped on SIGTERM").isTrue();
        }
    }

    @Test
    void bridgeServesMetricsAndStatusAndLogsJsonWithoutSecrets() throws Exception {
        int port = freePort();
        int statusPort = freePort();
        Map<String, String> env = environment();
        env.put("HTTP_PORT", String.valueOf(port));
        env.put("STATUS_PORT", String.valueOf(statusPort));
        env.put("LOG_FORMAT", "json");
        kyma.failNext(MockKyma.Route.PUBLISH, 400, 1);
        Path stderr = temp.resolve("bridge-json-err.txt");
        Process bridge = start(env, stderr, "bridge");
        String token;
        HttpClient http = HttpClient.newHttpClient();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    http.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200);
            MarketingEventSimulator tenant = MarketingEventSimulator.builder(base).credentials("sap-mkt", Secret.of(CLIENT_SECRET))
                    .mqttClientId("it-tenant").build();
            token = tenant.fetchToken().reveal();
            try (MarketingEventSimulator connected = tenant.connect()) {
                assertThat(connected.sendSampleEvents(3).acknowledged()).isEqualTo(3);

                String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("connector_events_received_total 3.0", "connector_events_forwarded_total 2.0",
                        "connector_events_dead_lettered_total{reason=\"rejected\"} 1.0", "connector_mqtt_connections 1.0",
                        "resilience4j_circuitbreaker_state{name=\"kyma-events\",state=\"closed\"} 1.0", "jvm_memory_used_bytes");
                assertThat(http.send(HttpRequest.newBuilder(base.resolve("/status")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).as("not on the public HTTP port when STATUS_PORT is set").isEqualTo(404);
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + "/status"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                JsonNode json = new ObjectMapper().readTree(status.body());
                assertThat(json.path("clients").get(0).path("clientId").asText()).isEqualTo("it-tenant");
                assertThat(json.path("deadLetters").get(0).path("reason").asText()).isEqualTo("rejected");
                assertThat(json.path("registration").path("note").asText()).contains("CronJob");
                assertThat(metrics + status.body()).doesNotContain(CLIENT_SECRET, token, MockMarketingSystem.DEFAULT_PASSWORD);
            }
        } finally {
            bridge.destroy();
            assertThat(bridge.waitFor(60, TimeUnit.SECONDS)).as("bridge stopped on SIGTERM").isTrue();
        }
        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> logged = new java.util.ArrayList<>();
        for (String line : lines) {
            logged.add(mapper.readTree(line));
        }
        assertThat(logged).isNotEmpty().allSatisfy(l -> assertThat(l.isObject()).isTrue());
        assertThat(logged).filteredOn(l -> l.path("formattedMessage").asText().startsWith("Dead-lettered")).singleElement()
                .satisfies(l -> {
                    assertThat(l.path("mdc").path("clientId").asText()).isEqualTo("it-tenant");
                    assertThat(l.path("mdc").path("eventId").asText()).matches("[0-9a-f-]{36}");
                });
        assertThat(String.join("\n", lines)).doesNotContain(CLIENT_SECRET, token, MockMarketingSystem.DEFAULT_PASSWORD);
    }

    @Test
    void aBadStatusPortIsRefusedNamingTheSetting() throws Exception {
        Map<String, String> env = environment();
        env.put("STATUS_PORT", "public");

        Result result = run(env, "bridge");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).contains("STATUS_PORT: 'public' is neither a port number nor 'off'");
    }

    @Test
    void runRegistersThenServes() throws Exception {
        int port = freePort();
        Map<String, String> env = environment();
        env.put("HTTP_PORT", String.valueOf(port));
        Process run = start(env, "run", "--resync", "1h");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> kyma.services(APP).size() == 27);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (var socket = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                }
            });
            HttpClient http = HttpClient.newHttpClient();
            JsonNode registration = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/status")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .path("registration");
            assertThat(registration.path("runsHere").asBoolean()).isTrue();
            assertThat(registration.path("lastRun").path("outcome").asText()).isEqualTo("succeeded");
            assertThat(registration.path("lastRun").path("counts").path("created").asInt()).isEqualTo(27);
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body())
                    .contains("connector_registration_runs_total{outcome=\"succeeded\"} 1.0",
                            "connector_registration_items_total{outcome=\"created\"} 27.0");
        } finally {
            run.destroy();
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
