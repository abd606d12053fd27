package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The connector's bridge under test as a child process: the same jar (or classpath) running the
 * {@code bridge} command with its documented environment, so its CPU time and memory are its own. It
 * listens on loopback on a port chosen here and forwards CloudEvents to the given sink; its output
 * goes to a log file. Extra environment (JAVA_TOOL_OPTIONS of the image, SPOOL settings,
 * {@code --child-env}) is passed through as given.
 */
final class BridgeProcess implements BridgeUnderTest {

    static final String MAIN_CLASS = "dev.marketingconnector.examples.cli.MarketingConnectorCli";
    static final String CLIENT_ID = "bench-client";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Settings of the runnable that must not leak in from the benchmark's own environment. */
    private static final List<String> INHERITED_SETTINGS = List.of("REGISTRY_URL", "MQTT_TCP_PORT", "ASYNCAPI_URL", "STATUS_PORT",
            "LOG_FORMAT", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "SPOOL", "SPOOL_DIR", "SPOOL_MAX_BYTES", "NATS_URL",
            "NATS_STREAM", "KYMA_KEY_STORE", "KYMA_TRUST_STORE", "KUBECONFIG");

    private final String label;
    private final Process process;
    private final URI baseUri;
    private final Secret clientSecret;
    private final Path log;
    private volatile Secret token;

    private BridgeProcess(String label, Process process, URI baseUri, Secret clientSecret, Path log) {
        this.label = label;
        this.process = process;
        this.baseUri = baseUri;
        this.clientSecret = clientSecret;
        this.log = log;
    }

    /**
     * How the child runs.
     *
     * @param jvmOptions  options on the java command line
     * @param environment set on top of the documented settings (wins over them)
     */
    record Options(List<String> jvmOptions, Map<String, String> environment, String logLevel, Path workDir) {

        Options {
            jvmOptions = List.copyOf(jvmOptions);
            environment = Map.copyOf(environment);
        }
    }

    /**
     * Starts the bridge and returns once its {@code /healthz} answers 200.
     *
     * @throws IllegalStateException with the tail of its log when it exits or does not come up in time
     */
    static BridgeProcess start(URI eventsUrl, Options options, String name) throws InterruptedException {
        return start(eventsUrl, options, name, "bridge");
    }

    static BridgeProcess start(URI eventsUrl, Options options, String name, String label) throws InterruptedException {
        int port = freePort();
        Secret secret = Secret.of(randomText(24));
        Path log = options.workDir().resolve(name + "-bridge.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options.jvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add("bridge");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        INHERITED_SETTINGS.forEach(env::remove);
        env.put("SYSTEM_URL", "https://my300000.s4hana.ondemand.com");
        env.put("BASIC_USER", "BENCH_USER");
        env.put("BASIC_PASSWORD", randomText(16));
        env.put("OAUTH_CLIENT_ID", CLIENT_ID);
        env.put("OAUTH_CLIENT_SECRET", secret.reveal());
        env.put("APPLICATION_NAME", EventPayloads.APPLICATION_NAME);
        env.put("CLUSTER_DOMAIN", "bench.example.com");
        env.put("EVENTS_FORMAT", "cloudevents");
        env.put("EVENTS_URL", eventsUrl.toString());
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("TOKEN_SIGNING_KEY", randomText(48));
        env.put("LOG_LEVEL", options.logLevel());
        env.putAll(options.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bridge: " + String.join(" ", command), e);
        }
        BridgeProcess bridge = new BridgeProcess(label, process, URI.create("http://127.0.0.1:" + port), secret, log);
        try {
            bridge.awaitHealthy();
        } catch (RuntimeException | InterruptedException e) {
            bridge.close();
            throw e;
        }
        return bridge;
    }

    private void awaitHealthy() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest healthz = HttpRequest.newBuilder(baseUri.resolve("/healthz")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the bridge exited with " + process.exitValue() + " while starting:\n" + logTail(30));
            }
            try {
                if (http.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the bridge did not answer /healthz within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail(30));
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public URI baseUri() {
        return baseUri;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** A bearer token from the bridge's own {@code /oauth/token} (fetched once). */
    @Override
    public Secret token() {
        Secret current = token;
        if (current == null) {
            current = MarketingEventSimulator.builder(baseUri).credentials(CLIENT_ID, clientSecret).build().fetchToken();
            token = current;
        }
        return current;
    }

    /** Settings the benchmark passes through, as the child really got them ({@code /proc/<pid>/environ}). */
    static final List<String> SHOWN_SETTINGS = List.of("SPOOL", "SPOOL_DIR", "NATS_STREAM", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    /**
     * What the child's environment holds of the pass-through settings: the values of {@link #SHOWN_SETTINGS},
     * only whether {@code NATS_URL} and the {@code --child-env} names are set (they may carry credentials).
     */
    String describeEnvironment(java.util.Collection<String> childEnvNames) {
        Map<String, String> seen = ProcStats.environment(pid());
        if (seen.isEmpty()) {
            return "child environment unreadable";
        }
        List<String> parts = new ArrayList<>();
        for (String name : SHOWN_SETTINGS) {
            if (seen.containsKey(name)) {
                parts.add(name + "=" + seen.get(name));
            }
        }
        java.util.Set<String> hidden = new java.util.TreeSet<>(childEnvNames);
        hidden.add("NATS_URL");
        SHOWN_SETTINGS.forEach(hidden::remove);
        for (String name : hidden) {
            if (seen.containsKey(name)) {
                parts.add(name + " set");
            }
        }
        return parts.isEmpty() ? "child environment: no pass-through settings" : "child environment: " + String.join(", ", parts);
    }

    @Override
    public OptionalDouble counter(String name) {
        return BridgeMetrics.counter(baseUri, name);
    }

    /**
     * Asks the child for a full GC ({@code jcmd <pid> GC.run}) so that RSS is read without garbage.
     *
     * @return false when jcmd is not available or failed
     */
    boolean gc() throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String executable = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
        try {
            Process run = new ProcessBuilder(executable, Long.toString(pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return run.waitFor(30, TimeUnit.SECONDS) && run.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the bridge's log reports that it ran out of memory. */
    boolean ranOutOfMemory() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains("OutOfMemoryError");
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    @Override
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the bridge gracefully (SIGTERM), forcibly when it does not exit in time. Returns its exit code. */
    @Override
    public int stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    private static String randomText(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
