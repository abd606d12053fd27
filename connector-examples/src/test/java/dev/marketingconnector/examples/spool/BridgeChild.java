package dev.marketingconnector.examples.spool;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The runnable jar's {@code bridge} (or another command) as a child process, the way an operator runs it. */
final class BridgeChild implements AutoCloseable {

    static final Path JAR = Path.of("target", "marketing-connector.jar");
    static final String APP = "mkt-spool-it";
    static final String CLIENT_ID = "sap-mkt";
    static final String CLIENT_SECRET = "spool-it-client-secret-value";
    static final String TOPIC_SPACE = "sap/mkt/spool";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final Path out;
    private final Path err;
    final int port;

    private BridgeChild(Process process, Path out, Path err, int port) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.port = port;
    }

    static Map<String, String> environment(MockKyma kyma) {
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", "https://my300000.s4hana.ondemand.com");
        env.put("BASIC_USER", "IT_USER");
        env.put("BASIC_PASSWORD", "it-password");
        env.put("OAUTH_CLIENT_ID", CLIENT_ID);
        env.put("OAUTH_CLIENT_SECRET", CLIENT_SECRET);
        env.put("APPLICATION_NAME", APP);
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        env.put("EVENTS_URL", kyma.publishUrl().toString());
        env.put("TOKEN_SIGNING_KEY", "a-shared-signing-key-of-at-least-32-bytes!");
        env.put("LOG_LEVEL", "INFO");
        return env;
    }

    /** Starts {@code bridge} on a free port and waits until it listens. */
    static BridgeChild bridge(Path temp, Map<String, String> env) throws IOException {
        int port = freePort();
        Map<String, String> withPort = new HashMap<>(env);
        withPort.put("HTTP_PORT", Integer.toString(port));
        BridgeChild child = start(temp, withPort, "bridge");
        child.awaitListening();
        return new BridgeChild(child.process, child.out, child.err, port);
    }

    private static BridgeChild start(Path temp, Map<String, String> env, String... args) throws IOException {
        long n = System.nanoTime();
        Path out = temp.resolve("out-" + n + ".txt");
        Path err = temp.resolve("err-" + n + ".txt");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx128m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        return new BridgeChild(builder.start(), out, err, 0);
    }

    record Result(int exitCode, String out, String err) {
    }

    /** Runs a command to its end. */
    static Result run(Path temp, Map<String, String> env, String... args) throws IOException, InterruptedException {
        BridgeChild child = start(temp, env, args);
        if (!child.process.waitFor(60, TimeUnit.SECONDS)) {
            child.process.destroyForcibly();
            throw new AssertionError("'" + String.join(" ", args) + "' did not finish: " + child.stdout() + child.stderr());
        }
        return new Result(child.process.exitValue(), child.stdout(), child.stderr());
    }

    private void awaitListening() {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the bridge exited with " + process.exitValue() + ": " + stdout() + stderr());
                }
                return stdout().contains("Event endpoint listening on port");
            });
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    String stdout() throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    String stderr() throws IOException {
        return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    JsonNode status() throws IOException, InterruptedException {
        return json("/status");
    }

    JsonNode json(String path) throws IOException, InterruptedException {
        return JSON.readTree(text(path));
    }

    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri().resolve(path)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    MarketingEventSimulator sap(String clientId) {
        return MarketingEventSimulator.builder(uri())
                .credentials(CLIENT_ID, Secret.of(CLIENT_SECRET))
                .mqttClientId(clientId)
                .topicSpace(TOPIC_SPACE)
                .timeout(Duration.ofSeconds(30))
                .build()
                .connect();
    }

    static byte[] event(UUID id) {
        return MarketingEventSimulator.legacyPayload("BO.MarketingPermission.Changed", id, Instant.parse("2026-01-15T10:30:00Z"),
                MarketingEventSimulator.marketingPermissionData(id.toString().substring(0, 8)));
    }

    static String topic() {
        return MarketingEventSimulator.legacyTopic(TOPIC_SPACE, "BO.MarketingPermission.Changed");
    }

    /** SIGKILL: no shutdown hook, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
