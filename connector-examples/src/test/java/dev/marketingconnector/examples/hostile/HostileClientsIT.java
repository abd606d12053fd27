package dev.marketingconnector.examples.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.mqtt.testing.MarketingEventSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar's {@code bridge}, with the pod's JVM flags, under hostile clients (issue 16):
 * requests pipelined and never read, too many connections from one address, guessed secrets,
 * forged log lines, trickled requests, other protocol versions. Throughout, {@code /healthz}
 * answers and the SAP tenant's events reach Kyma. Attackers come from their own loopback
 * addresses (127.0.0.x), the tenant and the probes from 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsIT {

    private static final Path JAR = Path.of("target", "marketing-connector.jar");
    private static final String FORGED = "10:00:00.000 ERROR d.m.m.MqttConnection FORGED";
    private static final Map<String, String> SHORT_LIMITS = Map.of(
            "HTTP_REQUEST_TIMEOUT", "1s",
            "MQTT_CONNECT_TIMEOUT", "2s",
            "MAX_CONNECTIONS_PER_ADDRESS", "20",
            "MAX_PIPELINED_REQUESTS", "8",
            "TOKEN_MAX_FAILURES", "3",
            "TOKEN_FAILURE_WINDOW", "10m",
            "FAILURE_LOG_INTERVAL", "1s",
            "LOG_LEVEL", "DEBUG");

    @TempDir
    static Path temp;

    private MockKyma kyma;
    private BridgeJar bridge;
    private MarketingEventSimulator tenant;

    @BeforeAll
    void start() throws Exception {
        assertThat(JAR).as("the runnable jar (built by mvn package)").exists();
        kyma = new MockKyma();
        bridge = BridgeJar.start(JAR, BridgeJar.POD_FLAGS, kyma.publishUrl(), SHORT_LIMITS, temp.resolve("bridge.log"));
        tenant = MarketingEventSimulator.builder(bridge.base).credentials(BridgeJar.CLIENT_ID, Secret.of(BridgeJar.CLIENT_SECRET))
                .mqttClientId("sap-tenant").build().connect();
    }

    @AfterAll
    void stop() throws Exception {
        if (tenant != null) {
            tenant.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (kyma != null) {
            kyma.close();
        }
    }

    /** /healthz answers and the tenant's events get to Kyma, acknowledged. */
    private void assertServing() throws Exception {
        assertThat(bridge.get("/healthz").statusCode()).isEqualTo(200);
        int before = kyma.events().size();
        assertThat(tenant.sendSampleEvents(2).acknowledged()).isEqualTo(2);
        assertThat(kyma.events()).hasSize(before + 2);
    }

    private Socket from(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(new InetSocketAddress("127.0.0.1", bridge.port), 5000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static boolean closedWithin(Socket socket, Duration timeout) throws IOException {
        long end = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < end) {
            socket.setSoTimeout(200);
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketException e) {
                return true;
            } catch (SocketTimeoutException e) {
                // not yet
            }
        }
        return false;
    }

    private static String response(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        int b;
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String wrongSecretRequest() {
        String form = "grant_type=client_credentials&client_id=sap-mkt&client_secret=guess-guess-guess-guess";
        return "POST /oauth/token HTTP/1.1\r\nHost: auth\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + form.length() + "\r\n\r\n" + form;
    }

    @Test
    void requestsPipelinedAndNeverReadDoNotHangTheBridge() throws Exception {
        String[] requests = {"GET /asyncapi.json HTTP/1.1\r\nHost: auth\r\n\r\n", "GET /metrics HTTP/1.1\r\nHost: auth\r\n\r\n",
            wrongSecretRequest()};
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger closedByBridge = new AtomicInteger();
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        List<Thread> attackers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String source = "127.0.0." + (10 + i);
            Thread attacker = new Thread(() -> {
                int round = 0;
                while (running.get()) {
                    byte[] batch = requests[round++ % requests.length].repeat(200).getBytes(StandardCharsets.ISO_8859_1);
                    try (Socket socket = new Socket()) {
                        socket.setReceiveBufferSize(4096);
                        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
                        socket.connect(new InetSocketAddress("127.0.0.1", bridge.port), 5000);
                        sockets.add(socket);
                        OutputStream out = socket.getOutputStream();
                        while (running.get()) {
                            out.write(batch);
                        }
                    } catch (IOException e) {
                        if (running.get()) {
                            closedByBridge.incrementAndGet();
                        }
                    }
                }
            }, "pipeliner-" + i);
            attacker.setDaemon(true);
            attacker.start();
            attackers.add(attacker);
        }
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertServing();
                assertThat(closedByBridge).as("pipelining connections closed by the bridge").hasValueGreaterThanOrEqualTo(6);
            });
        } finally {
            running.set(false);
            for (Socket socket : sockets) {
                socket.close();
            }
            for (Thread attacker : attackers) {
                attacker.join(5_000);
            }
        }
        assertServing();
    }

    @Test
    void connectionsOverThePerAddressLimitAreClosedAndOthersServed() throws Exception {
        List<WsMqtt> open = new ArrayList<>();
        String token = bridge.token();
        try {
            for (int i = 0; i < 20; i++) {
                WsMqtt client = WsMqtt.connect("127.0.0.20", bridge.port, token);
                open.add(client);
                client.send(WsMqtt.connect(4, "many-" + i, 60)).expect(WsMqtt.CONNACK);
            }
            try (Socket over = from("127.0.0.20")) {
                assertThat(closedWithin(over, Duration.ofSeconds(5))).as("the 21st connection from one address").isTrue();
            }
            assertServing();
            assertThat(open.get(0).send(WsMqtt.pingreq()).expect(WsMqtt.PINGRESP)).as("the connections let in are served").isEmpty();
            JsonNode status = new ObjectMapper().readTree(bridge.get("/status").body());
            assertThat(status.path("sap").path("refusedConnects").path("connection_limit").asLong()).isPositive();
            assertThat(bridge.get("/metrics").body())
                    .contains("connector_mqtt_connects_total{outcome=\"refused\",reason=\"connection_limit\"}");
        } finally {
            for (WsMqtt client : open) {
                client.close();
            }
        }
    }

    @Test
    void guessedSecretsAreThrottledWith429AndLoggedOncePerAddress() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (Socket socket = from("127.0.0.30")) {
                assertThat(response(socket, wrongSecretRequest())).startsWith("HTTP/1.1 401");
            }
        }
        for (int i = 0; i < 20; i++) {
            try (Socket socket = from("127.0.0.30")) {
                String head = response(socket, wrongSecretRequest());
                assertThat(head).startsWith("HTTP/1.1 429").containsIgnoringCase("retry-after: ");
            }
        }
        assertThat(bridge.token()).as("the tenant's address is not throttled").isNotBlank();
        // One line per address and interval; a slow machine may spread the 23 requests over two intervals.
        await().atMost(Duration.ofSeconds(10)).until(() -> logged("refused token requests from 127.0.0.30", "refused") == 23);
        assertThat(logged("refused token requests from 127.0.0.30", "invalid_client")).isEqualTo(3);
        assertThat(logged("refused token requests from 127.0.0.30", "throttled")).isEqualTo(20);
        assertThat(bridge.log().lines().filter(l -> l.contains("token request"))).as("counted, not one line each").hasSizeBetween(1, 3);
        assertThat(bridge.log()).doesNotContain("guess-guess-guess-guess");
    }

    /** The sum of the counts before {@code word} on the log lines that contain {@code marker}. */
    private long logged(String marker, String word) throws IOException {
        Pattern count = Pattern.compile("(\\d+) " + Pattern.quote(word));
        return bridge.log().lines().filter(l -> l.contains(marker)).mapToLong(l -> {
            Matcher m = count.matcher(l);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }).sum();
    }

    @Test
    void clientValuesCannotForgeLinesInTheTextLog() throws Exception {
        String token = bridge.token();
        try (WsMqtt client = WsMqtt.connect(bridge.port, token)) {
            client.send(WsMqtt.connect(4, "forger\n" + FORGED, 30)).expect(WsMqtt.CONNACK);
            client.send(WsMqtt.publish("sap/BO/X\r\n" + FORGED, 1, 1, "not json".getBytes(StandardCharsets.UTF_8)))
                    .expect(WsMqtt.PUBACK);
            client.send(WsMqtt.publish("sap/" + "t".repeat(60_000), 1, 2, "{}".getBytes(StandardCharsets.UTF_8))).expect(WsMqtt.PUBACK);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> bridge.log().contains("Dead-lettered a message from client 'forger\\n"));
        List<String> lines = bridge.log().lines().toList();
        assertThat(lines).noneMatch(line -> line.startsWith(FORGED));
        assertThat(lines).filteredOn(line -> line.contains("FORGED")).isNotEmpty().allSatisfy(line -> assertThat(line)
                .matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*").contains("\\n" + FORGED));
        assertThat(lines).filteredOn(line -> line.contains("tttttttt")).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("...(").hasSizeLessThan(2_000));
    }

    @Test
    void protocolManners() throws Exception {
        String token = bridge.token();
        try (WsMqtt client = WsMqtt.connect(bridge.port, token)) {
            byte[] connack = client.send(WsMqtt.connect(5, "an-mqtt5-client", 30)).expect(WsMqtt.CONNACK);
            assertThat(connack).as("MQTT 3.1.1 CONNACK 0x01").containsExactly(0, 1);
            assertThat(client.awaitClosed(Duration.ofSeconds(5))).isTrue();
        }
        try (Socket socket = from("127.0.0.40")) {
            assertThat(response(socket, "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 505");
        }
        try (Socket slow = from("127.0.0.41")) {
            OutputStream out = slow.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            for (int i = 0; i < 50 && !closed; i++) {
                try {
                    out.write('x');
                } catch (IOException e) {
                    closed = true;
                }
                closed = closed || closedWithin(slow, Duration.ofMillis(200));
            }
            assertThat(closed).as("a trickled request is closed by HTTP_REQUEST_TIMEOUT").isTrue();
        }
    }

    @Test
    void clientValuesCannotForgeLinesInTheJsonLog() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(SHORT_LIMITS);
        settings.put("LOG_FORMAT", "json");
        Path log = temp.resolve("bridge-json.log");
        try (BridgeJar json = BridgeJar.start(JAR, BridgeJar.POD_FLAGS, kyma.publishUrl(), settings, log)) {
            try (WsMqtt client = WsMqtt.connect(json.port, json.token())) {
                client.send(WsMqtt.connect(4, "json-forger\r\n" + FORGED, 30)).expect(WsMqtt.CONNACK);
                client.send(WsMqtt.publish("sap/BO/X\n" + FORGED, 1, 1, "not json".getBytes(StandardCharsets.UTF_8)))
                        .expect(WsMqtt.PUBACK);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> json.log().contains("Dead-lettered"));
        }
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> logged = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                logged.add(mapper.readTree(line));
            } else {
                assertThat(line).as("only the banner is not JSON").doesNotContain("FORGED");
            }
        }
        JsonNode deadLetter = logged.stream().filter(l -> l.path("formattedMessage").asText().startsWith("Dead-lettered")).findFirst()
                .orElseThrow();
        assertThat(deadLetter.path("formattedMessage").asText()).contains("sap/BO/X\\n" + FORGED).doesNotContain("\n");
        assertThat(deadLetter.path("mdc").path("clientId").asText()).isEqualTo("json-forger\\r\\n" + FORGED);
    }
}
