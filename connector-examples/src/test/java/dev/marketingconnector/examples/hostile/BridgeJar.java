package dev.marketingconnector.examples.hostile;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shipped jar's {@code bridge} as a child process, the way an operator runs it, on a free
 * loopback port with its log in a file. Used by {@code HostileClientsIT} and by {@link HostileLoad}.
 */
final class BridgeJar implements AutoCloseable {

    static final String CLIENT_ID = "sap-mkt";
    /** 32 characters from a 64-symbol alphabet: what `openssl rand -base64 24` gives. */
    static final String CLIENT_SECRET = "hT4w9Qz-Lx2bVn7Ka1mR8sYc3Ud6Fe0G";
    /** The flags the image's JVM runs with inside the chart's 512 MiB limit. */
    static final List<String> POD_FLAGS = List.of("-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=75");

    private static final ObjectMapper JSON = new ObjectMapper();

    final Process process;
    final int port;
    final URI base;
    final Path log;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BridgeJar(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.base = URI.create("http://127.0.0.1:" + port);
        this.log = log;
    }

    /**
     * Starts {@code java <jvmFlags> -jar <jar> bridge} with the seven settings, {@code EVENTS_URL}
     * and {@code settings} in a clean environment; returns once {@code /healthz} answers.
     */
    static BridgeJar start(Path jar, List<String> jvmFlags, URI eventsUrl, Map<String, String> settings, Path log)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-jar");
        command.add(jar.toString());
        command.add("bridge");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Map<String, String> env = new HashMap<>();
        env.put("SYSTEM_URL", "https://my300000.s4hana.ondemand.com");
        env.put("BASIC_USER", "HOSTILE_IT");
        env.put("BASIC_PASSWORD", "not-used-by-the-bridge-Xy7");
        env.put("OAUTH_CLIENT_ID", CLIENT_ID);
        env.put("OAUTH_CLIENT_SECRET", CLIENT_SECRET);
        env.put("APPLICATION_NAME", "mkt-hostile");
        env.put("CLUSTER_DOMAIN", "kyma.example.com");
        env.put("EVENTS_URL", eventsUrl.toString());
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("TOKEN_SIGNING_KEY", "hostile-clients-signing-key-of-48-bytes-length!!");
        env.putAll(settings);
        builder.environment().putAll(env);
        BridgeJar bridge = new BridgeJar(builder.start(), port, log);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!bridge.process.isAlive()) {
                throw new IllegalStateException("the bridge exited with " + bridge.process.exitValue() + ":\n" + bridge.log());
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                if (bridge.get("/healthz").statusCode() == 200) {
                    return bridge;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > end) {
                bridge.close();
                throw new IllegalStateException("the bridge did not come up within 60 s:\n" + bridge.log());
            }
            bridge.process.waitFor(100, TimeUnit.MILLISECONDS); // returns at once if it exits
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> token(String secret) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + CLIENT_ID + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(base.resolve("/oauth/token")).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A bearer token from the bridge's own endpoint. */
    String token() throws IOException, InterruptedException {
        HttpResponse<String> response = token(CLIENT_SECRET);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    /** The child's resident set size from /proc, in KiB. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for process " + process.pid());
    }

    /** Heap in use after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}), in KiB: what the bridge holds on to. */
    long heapUsedAfterGcKib() throws IOException, InterruptedException {
        jcmd("GC.run");
        long used = 0;
        java.util.regex.Pattern generation = java.util.regex.Pattern.compile("^ \\S.*(generation|heap) +total \\d+K, used (\\d+)K");
        for (String line : jcmd("GC.heap_info").lines().toList()) {
            java.util.regex.Matcher m = generation.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(2));
            }
        }
        return used;
    }

    /** Bytes held per class, live objects only ({@code jcmd GC.class_histogram} runs a full GC first). */
    Map<String, Long> classHistogram() throws IOException, InterruptedException {
        Map<String, Long> bytes = new HashMap<>();
        for (String line : jcmd("GC.class_histogram").lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 4 && fields[0].endsWith(":")) {
                bytes.merge(fields[3], Long.parseLong(fields[2]), Long::sum);
            }
        }
        return bytes;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
